using GpuInference.Kernels.Random;
using ILGPU;

namespace GpuInference.Kernels.Probes;

/// <summary>
/// Kernels that expose the building blocks on their own, so that a failure can be pinned on the generator or the
/// bijection before it shows up as a wrong coefficient: the start-up self-test and the agreement tests use them.
/// </summary>
public static class ProbeKernels
{
    /// <summary>One work-item per vector: input holds (counter 4 words, key 2 words), output 4 words.</summary>
    internal static void Philox(Index1D v, ArrayView<uint> input, ArrayView<uint> output, int rounds)
    {
        long i = 6L * v.X;
        PhiloxBlock r = Random.Philox.Encrypt(input[i], input[i + 1], input[i + 2], input[i + 3], input[i + 4], input[i + 5], rounds);
        long o = 4L * v.X;
        output[o] = r.X0;
        output[o + 1] = r.X1;
        output[o + 2] = r.X2;
        output[o + 3] = r.X3;
    }

    /// <summary>One work-item per value i &lt; N: its image under the permutation of <paramref name="keys"/>, or, if inverse ≠ 0, its preimage.</summary>
    internal static void Bijection(Index1D i, ArrayView<uint> keys, ArrayView<uint> images, BijectionShape shape, int inverse) =>
        images[i] = inverse != 0 ? Random.Bijection.Unmap((uint)i.X, keys, shape) : Random.Bijection.Map((uint)i.X, keys, shape);
}
