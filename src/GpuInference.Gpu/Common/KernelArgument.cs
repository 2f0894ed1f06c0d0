namespace GpuInference.Gpu.Common;

/// <summary>
/// One kernel argument as the shared batch code hands it to an API: a device buffer, a <c>u32</c> or a <c>u64</c>.
/// The width is part of the value because OpenCL sets each argument with its size; CUDA passes every scalar in a
/// 64-bit slot. Built by implicit conversion, so a launch reads as its argument list.
/// </summary>
internal readonly struct KernelArgument<TBuffer>
    where TBuffer : class
{
    private KernelArgument(TBuffer? buffer, ulong value, bool isWide)
    {
        Buffer = buffer;
        Value = value;
        IsWide = isWide;
    }

    /// <summary>The buffer, or null for a scalar.</summary>
    public TBuffer? Buffer { get; }

    /// <summary>The scalar's value (a <c>u32</c> in the low half unless <see cref="IsWide"/>).</summary>
    public ulong Value { get; }

    /// <summary>True for a <c>u64</c> scalar.</summary>
    public bool IsWide { get; }

    public static implicit operator KernelArgument<TBuffer>(TBuffer buffer) => new(buffer, 0, false);

    public static implicit operator KernelArgument<TBuffer>(uint value) => new(null, value, false);

    public static implicit operator KernelArgument<TBuffer>(ulong value) => new(null, value, true);
}
