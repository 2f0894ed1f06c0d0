namespace GpuInference.Kernels.Random;

/// <summary>One output block of Philox4x32: four 32-bit words.</summary>
public struct PhiloxBlock
{
    public uint X0;
    public uint X1;
    public uint X2;
    public uint X3;
}

/// <summary>
/// Philox4x32 (Salmon et al., SC'11) as device code: the counter-based generator behind every permutation. The host
/// has its own copy (src/GpuInference/Random/Philox4x32.cs); both are held to the Random123 known answers.
/// </summary>
public static class Philox
{
    private const uint M0 = 0xD2511F53u;
    private const uint M1 = 0xCD9E8D57u;
    private const uint W0 = 0x9E3779B9u;
    private const uint W1 = 0xBB67AE85u;

    /// <summary>Encrypts counter (c0..c3) under key (k0, k1) with <paramref name="rounds"/> rounds (10 is the standard).</summary>
    public static PhiloxBlock Encrypt(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, int rounds)
    {
        for (int round = 0; round < rounds; round++)
        {
            if (round > 0)
            {
                k0 += W0;
                k1 += W1;
            }
            // Each 32 x 32 -> 64-bit product gives one word from its low half and feeds its high half to the other pair.
            ulong first = (ulong)M0 * c0;
            ulong second = (ulong)M1 * c2;
            uint next0 = (uint)(second >> 32) ^ c1 ^ k0;
            uint next2 = (uint)(first >> 32) ^ c3 ^ k1;
            c1 = (uint)second;
            c3 = (uint)first;
            c0 = next0;
            c2 = next2;
        }
        return new PhiloxBlock { X0 = c0, X1 = c1, X2 = c2, X3 = c3 };
    }
}
