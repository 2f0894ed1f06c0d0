namespace GpuInference.Random;

/// <summary>
/// Philox4x32-10, the counter-based generator of Salmon et al. (SC'11, "Parallel random numbers: as easy as 1, 2, 3").
/// Output is a pure function of (counter, key), which is what lets every backend, thread and batch draw the same
/// permutations. The same rounds are written in C in <c>kernels/philox.h</c>; both are checked against the
/// Random123 known-answer vectors.
/// </summary>
public static class Philox4x32
{
    private const uint MultiplierA = 0xD2511F53;
    private const uint MultiplierB = 0xCD9E8D57;
    private const uint WeylA = 0x9E3779B9;
    private const uint WeylB = 0xBB67AE85;

    /// <summary>Encrypts one 128-bit counter under a 64-bit key with the given number of rounds (10 is the standard).</summary>
    public static (uint X0, uint X1, uint X2, uint X3) Generate(
        uint counter0, uint counter1, uint counter2, uint counter3, uint key0, uint key1, int rounds = 10)
    {
        uint x0 = counter0, x1 = counter1, x2 = counter2, x3 = counter3;
        for (int round = 0; round < rounds; round++)
        {
            if (round > 0)
            {
                key0 += WeylA;
                key1 += WeylB;
            }
            ulong productA = (ulong)MultiplierA * x0;
            ulong productB = (ulong)MultiplierB * x2;
            uint y0 = (uint)(productB >> 32) ^ x1 ^ key0;
            uint y1 = (uint)productB;
            uint y2 = (uint)(productA >> 32) ^ x3 ^ key1;
            uint y3 = (uint)productA;
            x0 = y0; x1 = y1; x2 = y2; x3 = y3;
        }
        return (x0, x1, x2, x3);
    }
}
