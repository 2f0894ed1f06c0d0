namespace GpuInference.Backends.Devices;

/// <summary>
/// Test hooks into a device backend's building blocks, so that a failure can be pinned on the generator or the
/// bijection before it shows up as a wrong coefficient.
/// </summary>
internal interface IDeviceKernelProbe
{
    /// <summary>Philox4x32 with <paramref name="rounds"/> rounds on each 6-word (counter, key) vector; 4 words out each.</summary>
    uint[] Philox(ReadOnlySpan<uint> vectors, uint rounds);

    /// <summary>The round keys of permutation <paramref name="index"/> of stream <paramref name="seed"/>, as the device computes them.</summary>
    uint[] RoundKeys(ulong seed, ulong index);

    /// <summary>Images of 0 .. size - 1 under permutation <paramref name="index"/> of the bijection on [0, size).</summary>
    uint[] Map(ulong seed, ulong index, uint size);

    /// <summary>Preimages of 0 .. size - 1 under the same permutation (the inverse the correction kernel uses).</summary>
    uint[] Unmap(ulong seed, ulong index, uint size);
}
