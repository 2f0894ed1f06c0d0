using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GpuInference.Backends.Models;

/// <summary>
/// Pinned doubles whose first element sits on a 64-byte cache line. A 512-bit vector read or written across two
/// lines costs about twice one within a line, and an array's data starts wherever the allocator put it: the lane
/// sums the passes keep per permutation (64 doubles, one cache line per 8) are kept here instead.
/// </summary>
internal sealed unsafe class AlignedLanes
{
    private const int LineDoubles = 64 / sizeof(double);

    private readonly double[] _storage;

    public AlignedLanes(int length)
    {
        Length = length;
        _storage = GC.AllocateArray<double>(length + LineDoubles, pinned: true);
        var start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_storage));
        int skip = (int)((64 - start % 64) % 64) / sizeof(double);
        Pointer = (double*)start + skip;
    }

    /// <summary>The first element, 64-byte aligned; valid while this object lives (the storage is pinned).</summary>
    public double* Pointer { get; }

    public int Length { get; }

    /// <summary>The doubles as a span.</summary>
    public Span<double> Span => new(Pointer, Length);
}
