/*
 * bijection.h: permutation b of a stream as a keyed bijection on [0, N), the same arithmetic as
 * src/GpuInference/Random/PermutationBijection.cs: 24 Feistel rounds on the smallest power-of-two domain of at
 * least 2^8 that holds N, walked in cycles until the value lands inside [0, N).
 *
 * The host computes the cipher split (left/right bits) once per problem and passes it in a bijection_shape.
 */
#ifndef GPUINFERENCE_BIJECTION_H
#define GPUINFERENCE_BIJECTION_H

#include "platform.h"
#include "philox.h"

#ifndef BIJECTION_ROUNDS
#define BIJECTION_ROUNDS 24
#endif

/* 0xD2B74407B1CE6E93 in two halves: the 64-bit product with a 32-bit value is built from 32-bit multiplies. */
#define BIJECTION_MULTIPLIER_HI 0xD2B74407u
#define BIJECTION_MULTIPLIER_LO 0xB1CE6E93u
/* Its inverse modulo 2^32: a round's output gives back lo(multiplier * left), and so left. */
#define BIJECTION_MULTIPLIER_LO_INVERSE 0x212BDF9Bu

typedef struct
{
    u32 size;       /* N */
    u32 left_bits;  /* bits of the left half */
    u32 right_bits; /* bits of the right half (left_bits or left_bits + 1) */
} bijection_shape;

DEVICE_FN bijection_shape bijection_shape_of(u32 size, u32 left_bits, u32 right_bits)
{
    bijection_shape shape;
    shape.size = size;
    shape.left_bits = left_bits;
    shape.right_bits = right_bits;
    return shape;
}

/*
 * Writes the round keys of permutation `index` of stream `seed`: Philox4x32-10 under key (seed low, seed high) at
 * counters (index low, index high, block, 0) for blocks 0..5, four keys per block.
 */
DEVICE_FN void bijection_round_keys(u64 seed, u64 index, GLOBAL u32* keys)
{
    for (u32 block = 0; block < BIJECTION_ROUNDS / 4; block++)
    {
        const philox_block r = philox4x32((u32)index, (u32)(index >> 32), block, 0u, (u32)seed, (u32)(seed >> 32), 10u);
        keys[block * 4 + 0] = r.x0;
        keys[block * 4 + 1] = r.x1;
        keys[block * 4 + 2] = r.x2;
        keys[block * 4 + 3] = r.x3;
    }
}

/* The high 32 bits of (multiplier * left) mod 2^64, from 32-bit multiplies; the low half is BIJECTION_MULTIPLIER_LO * left. */
DEVICE_FN u32 bijection_product_high(u32 left)
{
    return MUL_HI_U32(BIJECTION_MULTIPLIER_LO, left) + BIJECTION_MULTIPLIER_HI * left;
}

/* One pass of the Feistel network over the power-of-two domain. */
DEVICE_FN u32 bijection_encrypt(u32 value, const u32* keys, bijection_shape shape)
{
    const u32 left_mask = (1u << shape.left_bits) - 1u;
    const u32 right_mask = (1u << shape.right_bits) - 1u;
    const u32 shift = shape.right_bits - shape.left_bits;
    u32 left = value >> shape.right_bits;
    u32 right = value & right_mask;
    for (u32 round = 0; round < BIJECTION_ROUNDS; round++)
    {
        /* (multiplier * left) mod 2^64, split into its 32-bit halves. */
        const u32 low = BIJECTION_MULTIPLIER_LO * left;
        const u32 high = bijection_product_high(left);
        const u32 mixed = high ^ keys[round];
        const u32 next_left = mixed ^ right;
        const u32 next_right = (low << shift) | (right >> shape.left_bits);
        left = next_left & left_mask;
        right = next_right & right_mask;
    }
    return (left << shape.right_bits) | right;
}

/* The image of `index` (< N): encrypt until the value falls inside [0, N) (cycle walking). */
DEVICE_FN u32 bijection_map(u32 index, const u32* keys, bijection_shape shape)
{
    u32 value = index;
    do
    {
        value = bijection_encrypt(value, keys, shape);
    } while (value >= shape.size);
    return value;
}

/* bijection_encrypt undone, round by round from the last (PermutationBijection.Decrypt). */
DEVICE_FN u32 bijection_decrypt(u32 value, const u32* keys, bijection_shape shape)
{
    const u32 left_mask = (1u << shape.left_bits) - 1u;
    const u32 right_mask = (1u << shape.right_bits) - 1u;
    const u32 shift = shape.right_bits - shape.left_bits;
    u32 left = value >> shape.right_bits;
    u32 right = value & right_mask;
    for (u32 step = 0; step < BIJECTION_ROUNDS; step++)
    {
        const u32 round = BIJECTION_ROUNDS - 1u - step;
        const u32 previous_left = ((right >> shift) * BIJECTION_MULTIPLIER_LO_INVERSE) & left_mask;
        const u32 high = bijection_product_high(previous_left);
        const u32 mixed = high ^ keys[round];
        const u32 previous_right = ((left ^ mixed) & left_mask) | ((right & ((1u << shift) - 1u)) << shape.left_bits);
        left = previous_left;
        right = previous_right;
    }
    return (left << shape.right_bits) | right;
}

/* The preimage of `value` (< N): decrypt until the value falls back inside [0, N). */
DEVICE_FN u32 bijection_unmap(u32 value, const u32* keys, bijection_shape shape)
{
    u32 preimage = value;
    do
    {
        preimage = bijection_decrypt(preimage, keys, shape);
    } while (preimage >= shape.size);
    return preimage;
}

#endif /* GPUINFERENCE_BIJECTION_H */
