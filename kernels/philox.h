/*
 * philox.h: Philox4x32 (Salmon et al., SC'11), the counter-based generator behind every permutation.
 * Same arithmetic as src/GpuInference/Random/Philox4x32.cs; checked against the Random123 known answers.
 */
#ifndef GPUINFERENCE_PHILOX_H
#define GPUINFERENCE_PHILOX_H

#include "platform.h"

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

typedef struct
{
    u32 x0, x1, x2, x3;
} philox_block;

/* Encrypts counter (c0..c3) under key (k0, k1) with the given number of rounds (10 is the standard). */
DEVICE_FN philox_block philox4x32(u32 c0, u32 c1, u32 c2, u32 c3, u32 k0, u32 k1, u32 rounds)
{
    for (u32 round = 0; round < rounds; round++)
    {
        if (round > 0)
        {
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
        const u32 hi0 = MUL_HI_U32(PHILOX_M0, c0);
        const u32 lo0 = PHILOX_M0 * c0;
        const u32 hi1 = MUL_HI_U32(PHILOX_M1, c2);
        const u32 lo1 = PHILOX_M1 * c2;
        const u32 y0 = hi1 ^ c1 ^ k0;
        const u32 y2 = hi0 ^ c3 ^ k1;
        c0 = y0;
        c1 = lo1;
        c2 = y2;
        c3 = lo0;
    }
    philox_block out;
    out.x0 = c0;
    out.x1 = c1;
    out.x2 = c2;
    out.x3 = c3;
    return out;
}

#endif /* GPUINFERENCE_PHILOX_H */
