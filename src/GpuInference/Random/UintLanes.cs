using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GpuInference.Random;

/// <summary>
/// A vector of 32-bit lanes with the few operations the permutation cipher needs, so that one generic cipher
/// (<see cref="PermutationBijection"/>) runs on 256-bit vectors everywhere AVX2 is, and on 512-bit vectors where they
/// are native: the runtime compiles each instantiation separately, with the wrapper gone. Every operation is lane by
/// lane, so both widths give every lane the same bits.
/// </summary>
internal interface IUintLanes<TSelf> where TSelf : struct, IUintLanes<TSelf>
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    static abstract TSelf Load(ReadOnlySpan<uint> values);

    static abstract TSelf Broadcast(uint value);

    void Store(Span<uint> values);

    static abstract TSelf operator +(TSelf left, TSelf right);

    static abstract TSelf operator *(TSelf left, TSelf right);

    static abstract TSelf operator &(TSelf left, TSelf right);

    static abstract TSelf operator |(TSelf left, TSelf right);

    static abstract TSelf operator ^(TSelf left, TSelf right);

    static abstract TSelf operator <<(TSelf value, int shift);

    static abstract TSelf operator >>>(TSelf value, int shift);
}

/// <summary>Eight 32-bit lanes (AVX2).</summary>
internal readonly struct Lanes256(Vector256<uint> value) : IUintLanes<Lanes256>
{
    private readonly Vector256<uint> _value = value;

    public static int Count => Vector256<uint>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Load(ReadOnlySpan<uint> values) => new(Vector256.Create(values));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Broadcast(uint value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(Span<uint> values) => _value.CopyTo(values);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator +(Lanes256 left, Lanes256 right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator *(Lanes256 left, Lanes256 right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator &(Lanes256 left, Lanes256 right) => new(left._value & right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator |(Lanes256 left, Lanes256 right) => new(left._value | right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator ^(Lanes256 left, Lanes256 right) => new(left._value ^ right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator <<(Lanes256 value, int shift) => new(value._value << shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 operator >>>(Lanes256 value, int shift) => new(value._value >>> shift);
}

/// <summary>Sixteen 32-bit lanes (AVX-512), for hardware that runs them natively.</summary>
internal readonly struct Lanes512(Vector512<uint> value) : IUintLanes<Lanes512>
{
    private readonly Vector512<uint> _value = value;

    public static int Count => Vector512<uint>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Load(ReadOnlySpan<uint> values) => new(Vector512.Create(values));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Broadcast(uint value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(Span<uint> values) => _value.CopyTo(values);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator +(Lanes512 left, Lanes512 right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator *(Lanes512 left, Lanes512 right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator &(Lanes512 left, Lanes512 right) => new(left._value & right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator |(Lanes512 left, Lanes512 right) => new(left._value | right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator ^(Lanes512 left, Lanes512 right) => new(left._value ^ right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator <<(Lanes512 value, int shift) => new(value._value << shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 operator >>>(Lanes512 value, int shift) => new(value._value >>> shift);
}
