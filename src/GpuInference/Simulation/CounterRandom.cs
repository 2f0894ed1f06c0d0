using GpuInference.Random;

namespace GpuInference.Simulation;

/// <summary>
/// A stream of random numbers for one (person, purpose) from Philox4x32-10: counter = (person, block, purpose, 0),
/// key = the seed. Any person's draws can be regenerated on their own, which is how a person's friends' cells are
/// known without storing them and why the output does not depend on threads.
/// </summary>
internal struct CounterRandom
{
    private const double ToUnit32 = 1.0 / 4294967296.0;
    private const double ToUnit53 = 1.0 / 9007199254740992.0;

    private readonly uint _key0, _key1, _person, _purpose;
    private uint _block;
    private uint _w0, _w1, _w2, _w3;
    private int _used;

    public CounterRandom(ulong seed, int person, StreamPurpose purpose)
    {
        _key0 = (uint)seed;
        _key1 = (uint)(seed >> 32);
        _person = (uint)person;
        _purpose = (uint)purpose;
        _used = 4;
    }

    /// <summary>The first block of a person's stream, for callers that need only four words.</summary>
    public static (uint X0, uint X1, uint X2, uint X3) FirstBlock(ulong seed, int person, StreamPurpose purpose) =>
        Philox4x32.Generate((uint)person, 0, (uint)purpose, 0, (uint)seed, (uint)(seed >> 32));

    public uint NextUInt32()
    {
        if (_used == 4)
        {
            (_w0, _w1, _w2, _w3) = Philox4x32.Generate(_person, _block++, _purpose, 0, _key0, _key1);
            _used = 0;
        }
        return _used++ switch { 0 => _w0, 1 => _w1, 2 => _w2, _ => _w3 };
    }

    /// <summary>Uniform on [0, 1) with 53 random bits.</summary>
    public double NextDouble() => ((ulong)(NextUInt32() >> 5) * 67108864.0 + (NextUInt32() >> 6)) * ToUnit53;

    /// <summary>Uniform on (0, 1], safe for a logarithm.</summary>
    public double NextOpenDouble() => 1.0 - NextDouble();

    /// <summary>Uniform integer in [0, bound), by Lemire's multiply-shift with rejection (no modulo bias).</summary>
    public uint NextBelow(uint bound)
    {
        ulong product = (ulong)NextUInt32() * bound;
        if ((uint)product < bound)
        {
            uint threshold = (0u - bound) % bound;
            while ((uint)product < threshold) product = (ulong)NextUInt32() * bound;
        }
        return (uint)(product >> 32);
    }

    public static double Unit(uint word) => word * ToUnit32;
}

/// <summary>Separate streams for separate questions, so changing one part of the model leaves the others' draws alone.</summary>
internal enum StreamPurpose : uint
{
    Attributes = 0,
    Friends = 1,
    Outcome = 2,
}
