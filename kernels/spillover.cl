/*
 * spillover.cl: the permutation null of the spillover regression, one batch of up to MAX_BATCH permutations at a
 * time, entirely on the device. The host uploads the problem once, then per batch launches, in order:
 *
 *   round_keys     one work-item per permutation: the 24 Feistel round keys (Philox4x32-10).
 *   permute_cells  one work-item per node: bit p of the node's banner/feed words is the cell of node
 *                  bijection_p(node) (bit-sliced: one pair of 64-bit words holds the whole batch).
 *     or, where one cell holds most nodes (CellMinority.cs), the same words in two steps:
 *   fill_majority  one work-item per node: every position gets the majority cell;
 *   correct_minority  one work-item per minority node k: for each p, flips the bits of position bijection_p^-1(k)
 *                  where k's cell differs from the majority. N x 4% inverse bijections instead of N forward ones.
 *   chunk_sums     one work-group of MAX_BATCH work-items per chunk; work-item p walks the chunk's units and their
 *                  friends in order (every lane reads the same CSR address: a broadcast) and keeps the chunk's
 *                  18 sums for permutation p in registers.
 *   solve          one work-item per permutation: combines the chunks in chunk order and performs exactly the
 *                  arithmetic of SpilloverMoments.Solve / CholeskySolve4.
 *
 * Only count x 4 doubles go back to the host. Use these kernels for any problem that fits the device; the CSR
 * layout is that of SpilloverProblem (64-bit row offsets over the units, 32-bit node columns).
 *
 * Defines (assembled in KernelOptions.cs): MAX_BATCH, BIJECTION_ROUNDS, INT_SLOTS, REAL_SLOTS, REGRESSORS.
 */
#include "platform.h"
#include "philox.h"
#include "bijection.h"

#ifndef MAX_BATCH
#define MAX_BATCH 64
#endif
#ifndef INT_SLOTS
#define INT_SLOTS 14
#endif
#ifndef REAL_SLOTS
#define REAL_SLOTS 4
#endif
#ifndef REGRESSORS
#define REGRESSORS 4
#endif

/* .NET's double.NaN, so that a singular fit has the same bits on every backend. */
#define SINGULAR_NAN_BITS ((u64)0xFFF80000u << 32)

/* Upper-triangle index of (a, b), a <= b, row by row: (0,0) (0,1) (0,2) (0,3) (1,1) ... (3,3). */
#define TRIANGLE(a, b) ((a) * REGRESSORS - (a) * ((a) - 1) / 2 + ((b) - (a)))

/* Known-answer check of the generator: one work-item per vector (counter 4, key 2 words in; 4 words out). */
KERNEL void philox_kat(GLOBAL const u32* input, GLOBAL u32* output, u32 count, u32 rounds)
{
    const u32 v = (u32)get_global_id(0);
    if (v >= count) return;
    GLOBAL const u32* in = input + (u64)v * 6;
    const philox_block r = philox4x32(in[0], in[1], in[2], in[3], in[4], in[5], rounds);
    GLOBAL u32* out = output + (u64)v * 4;
    out[0] = r.x0;
    out[1] = r.x1;
    out[2] = r.x2;
    out[3] = r.x3;
}

/* Round keys of permutations first .. first + count - 1: keys[p * BIJECTION_ROUNDS + round]. */
KERNEL void round_keys(GLOBAL u32* keys, u64 seed, u64 first, u32 count)
{
    const u32 p = (u32)get_global_id(0);
    if (p >= count) return;
    bijection_round_keys(seed, first + p, keys + (u64)p * BIJECTION_ROUNDS);
}

/* The images (or, if inverse, the preimages) of 0 .. count - 1 under one permutation: a test hook for the bijection. */
KERNEL void bijection_probe(GLOBAL const u32* keys, GLOBAL u32* images, u32 count, u32 size, u32 left_bits, u32 right_bits, u32 inverse)
{
    const u32 i = (u32)get_global_id(0);
    if (i >= count) return;
    const bijection_shape shape = bijection_shape_of(size, left_bits, right_bits);
    u32 k[BIJECTION_ROUNDS];
    for (u32 r = 0; r < BIJECTION_ROUNDS; r++) k[r] = keys[r];
    images[i] = inverse ? bijection_unmap(i, k, shape) : bijection_map(i, k, shape);
}

/* Copies the batch's round keys into local memory, once per work-group; every work-item must call it. */
DEVICE_FN void stage_keys(LOCAL_PTR u32* staged, GLOBAL const u32* keys, u32 count)
{
    const u32 lid = (u32)get_local_id(0);
    const u32 lsize = (u32)get_local_size(0);
    for (u32 t = lid; t < count * BIJECTION_ROUNDS; t += lsize) staged[t] = keys[t];
    BARRIER_LOCAL();
}

/* Permutation p's round keys from the staged copy, into registers. */
DEVICE_FN void staged_keys_of(u32* k, LOCAL_PTR const u32* staged, u32 p)
{
    for (u32 r = 0; r < BIJECTION_ROUNDS; r++) k[r] = staged[p * BIJECTION_ROUNDS + r];
}

/*
 * words[2 j] bit p = banner of node bijection_p(j), words[2 j + 1] bit p = feed; bits >= count stay 0.
 * observed != 0: the identity (count is 1). The batch's keys are staged in local memory once per work-group.
 */
KERNEL void permute_cells(
    GLOBAL const u8* cells, GLOBAL const u32* keys, GLOBAL u64* words,
    u32 node_count, u32 count, u32 observed, u32 left_bits, u32 right_bits)
{
    LOCAL u32 staged[MAX_BATCH * BIJECTION_ROUNDS];
    stage_keys(staged, keys, observed ? 0u : count);

    const u32 j = (u32)get_global_id(0);
    if (j >= node_count) return;

    const bijection_shape shape = bijection_shape_of(node_count, left_bits, right_bits);

    u64 banner = 0;
    u64 feed = 0;
    for (u32 p = 0; p < count; p++)
    {
        u32 source = j;
        if (!observed)
        {
            u32 k[BIJECTION_ROUNDS];
            staged_keys_of(k, staged, p);
            source = bijection_map(j, k, shape);
        }
        const u32 c = cells[source];
        banner |= (u64)(c & 1u) << p;
        feed |= (u64)((c >> 1) & 1u) << p;
    }
    words[(u64)j * 2] = banner;
    words[(u64)j * 2 + 1] = feed;
}

/* Every position in the majority cell: words[2 j] = banner, words[2 j + 1] = feed (each all ones in bits < count, or 0). */
KERNEL void fill_majority(GLOBAL u64* words, u32 node_count, u64 banner, u64 feed)
{
    const u32 j = (u32)get_global_id(0);
    if (j >= node_count) return;
    words[(u64)j * 2] = banner;
    words[(u64)j * 2 + 1] = feed;
}

/*
 * After fill_majority: for minority node k = nodes[t] and each p < count, position j = bijection_p^-1(k) is the one
 * permute_cells would give k's cell, so the bits of j where k's cell differs from the majority (flips[t]: bit 0
 * banner, bit 1 feed) are flipped. Each (j, p) is reached by exactly one k, so the flips never collide on a bit
 * and their order does not matter; they are atomic because work-items share 32-bit words. Bit p of the 64-bit word
 * w is bit p % 32 of its 32-bit half 2 w + p / 32 (devices are little-endian, as the host checks).
 */
KERNEL void correct_minority(
    GLOBAL const u32* nodes, GLOBAL const u8* flips, GLOBAL const u32* keys, GLOBAL u32* halves,
    u32 minority_count, u32 node_count, u32 count, u32 left_bits, u32 right_bits)
{
    LOCAL u32 staged[MAX_BATCH * BIJECTION_ROUNDS];
    stage_keys(staged, keys, count);

    const u32 t = (u32)get_global_id(0);
    if (t >= minority_count) return;

    const bijection_shape shape = bijection_shape_of(node_count, left_bits, right_bits);

    const u32 node = nodes[t];
    const u32 flip = flips[t];
    for (u32 p = 0; p < count; p++)
    {
        u32 k[BIJECTION_ROUNDS];
        staged_keys_of(k, staged, p);
        const u64 position = (u64)bijection_unmap(node, k, shape);
        const u32 bit = 1u << (p & 31u);
        if (flip & 1u) ATOMIC_XOR_U32(halves + position * 4 + (p >> 5), bit);
        if (flip & 2u) ATOMIC_XOR_U32(halves + position * 4 + 2 + (p >> 5), bit);
    }
}

/*
 * Sums of chunk g for permutation p = local id, over the chunk's units in unit order:
 *   S += x, Q += upper triangle of x x' (exact 64-bit integers), P += x y (doubles, sequential: deterministic),
 * with x = (friends with banner, friends with feed, own banner, own feed).
 * Layout, coalesced across the work-group: partial_int[(g * INT_SLOTS + slot) * MAX_BATCH + p], likewise real.
 */
KERNEL void chunk_sums(
    GLOBAL const i64* row_offsets, GLOBAL const u32* neighbors, GLOBAL const u64* words, GLOBAL const double* outcome,
    GLOBAL const u32* chunk_start, u32 count, GLOBAL i64* partial_int, GLOBAL double* partial_real)
{
    const u32 g = (u32)get_group_id(0);
    const u32 p = (u32)get_local_id(0);
    if (p >= count) return;

    i64 s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    i64 q00 = 0, q01 = 0, q02 = 0, q03 = 0, q11 = 0, q12 = 0, q13 = 0, q22 = 0, q23 = 0, q33 = 0;
    double p0 = 0.0, p1 = 0.0, p2 = 0.0, p3 = 0.0;

    const u32 end = chunk_start[g + 1];
    for (u32 i = chunk_start[g]; i < end; i++)
    {
        const i64 row_end = row_offsets[i + 1];
        u32 nb = 0, nf = 0;
        for (i64 e = row_offsets[i]; e < row_end; e++)
        {
            const u64 friend_node = (u64)neighbors[e];
            nb += (u32)(words[friend_node * 2] >> p) & 1u;
            nf += (u32)(words[friend_node * 2 + 1] >> p) & 1u;
        }
        const i64 x0 = (i64)nb;
        const i64 x1 = (i64)nf;
        const i64 x2 = (i64)((words[(u64)i * 2] >> p) & 1u);
        const i64 x3 = (i64)((words[(u64)i * 2 + 1] >> p) & 1u);
        s0 += x0; s1 += x1; s2 += x2; s3 += x3;
        q00 += x0 * x0; q01 += x0 * x1; q02 += x0 * x2; q03 += x0 * x3;
        q11 += x1 * x1; q12 += x1 * x2; q13 += x1 * x3;
        q22 += x2 * x2; q23 += x2 * x3;
        q33 += x3 * x3;
        const double y = outcome[i];
        p0 = p0 + (double)x0 * y;
        p1 = p1 + (double)x1 * y;
        p2 = p2 + (double)x2 * y;
        p3 = p3 + (double)x3 * y;
    }

    GLOBAL i64* oi = partial_int + (u64)g * INT_SLOTS * MAX_BATCH + p;
    oi[0 * MAX_BATCH] = s0; oi[1 * MAX_BATCH] = s1; oi[2 * MAX_BATCH] = s2; oi[3 * MAX_BATCH] = s3;
    oi[4 * MAX_BATCH] = q00; oi[5 * MAX_BATCH] = q01; oi[6 * MAX_BATCH] = q02; oi[7 * MAX_BATCH] = q03;
    oi[8 * MAX_BATCH] = q11; oi[9 * MAX_BATCH] = q12; oi[10 * MAX_BATCH] = q13;
    oi[11 * MAX_BATCH] = q22; oi[12 * MAX_BATCH] = q23;
    oi[13 * MAX_BATCH] = q33;
    GLOBAL double* orl = partial_real + (u64)g * REAL_SLOTS * MAX_BATCH + p;
    orl[0 * MAX_BATCH] = p0; orl[1 * MAX_BATCH] = p1; orl[2 * MAX_BATCH] = p2; orl[3 * MAX_BATCH] = p3;
}

/* CholeskySolve4 of SpilloverMoments, operation for operation. Writes NaN when a pivot is too small. */
DEVICE_FN void cholesky_solve4(const double* upper, const double* rhs, GLOBAL double* solution)
{
    double l[REGRESSORS * REGRESSORS];
    for (u32 t = 0; t < REGRESSORS * REGRESSORS; t++) l[t] = 0.0;
    for (int j = 0; j < REGRESSORS; j++)
    {
        const double diagonal = upper[TRIANGLE(j, j)];
        double pivot = diagonal;
        for (int m = 0; m < j; m++) pivot -= l[j * REGRESSORS + m] * l[j * REGRESSORS + m];
        if (!(pivot > 1e-10 * diagonal) || !(diagonal > 0.0))
        {
            for (int t = 0; t < REGRESSORS; t++) solution[t] = AS_DOUBLE(SINGULAR_NAN_BITS);
            return;
        }
        const double root = SQRT_F64(pivot);
        l[j * REGRESSORS + j] = root;
        for (int i = j + 1; i < REGRESSORS; i++)
        {
            double value = upper[TRIANGLE(j, i)];
            for (int m = 0; m < j; m++) value -= l[i * REGRESSORS + m] * l[j * REGRESSORS + m];
            l[i * REGRESSORS + j] = value / root;
        }
    }
    double forward[REGRESSORS];
    for (int i = 0; i < REGRESSORS; i++)
    {
        double value = rhs[i];
        for (int m = 0; m < i; m++) value -= l[i * REGRESSORS + m] * forward[m];
        forward[i] = value / l[i * REGRESSORS + i];
    }
    double result[REGRESSORS];
    for (int i = REGRESSORS - 1; i >= 0; i--)
    {
        double value = forward[i];
        for (int m = i + 1; m < REGRESSORS; m++) value -= l[m * REGRESSORS + i] * result[m];
        result[i] = value / l[i * REGRESSORS + i];
    }
    for (int t = 0; t < REGRESSORS; t++) solution[t] = result[t];
}

/*
 * One work-item per permutation p: Q and P over all chunks in chunk order, S per stratum over its chunks, then
 * SpilloverMoments.Solve: A = Q - sum_s S_s S_s' / n_s, c = P - sum_s S_s Y_s / n_s, A beta = c.
 */
KERNEL void solve(
    GLOBAL const i64* partial_int, GLOBAL const double* partial_real, GLOBAL const u32* stratum_first_chunk,
    GLOBAL const double* stratum_size, GLOBAL const double* stratum_outcome_sum, u32 stratum_count, u32 count,
    GLOBAL double* beta)
{
    const u32 p = (u32)get_global_id(0);
    if (p >= count) return;

    i64 q[10];
    double pr[REAL_SLOTS];
    double correction[10];
    double outcome_correction[REGRESSORS];
    for (int t = 0; t < 10; t++) { q[t] = 0; correction[t] = 0.0; }
    for (int a = 0; a < REGRESSORS; a++) { pr[a] = 0.0; outcome_correction[a] = 0.0; }

    for (u32 s = 0; s < stratum_count; s++)
    {
        i64 sums[REGRESSORS];
        for (int a = 0; a < REGRESSORS; a++) sums[a] = 0;
        const u32 last = stratum_first_chunk[s + 1];
        for (u32 g = stratum_first_chunk[s]; g < last; g++)
        {
            GLOBAL const i64* gi = partial_int + (u64)g * INT_SLOTS * MAX_BATCH + p;
            GLOBAL const double* gr = partial_real + (u64)g * REAL_SLOTS * MAX_BATCH + p;
            for (int a = 0; a < REGRESSORS; a++) sums[a] += gi[a * MAX_BATCH];
            for (int t = 0; t < 10; t++) q[t] += gi[(4 + t) * MAX_BATCH];
            for (int a = 0; a < REAL_SLOTS; a++) pr[a] = pr[a] + gr[a * MAX_BATCH];
        }
        const double n = stratum_size[s];
        const double outcome_sum = stratum_outcome_sum[s];
        for (int a = 0; a < REGRESSORS; a++)
        {
            for (int b = a; b < REGRESSORS; b++)
            {
                /* The product is exact in 64 bits; only the division rounds. */
                correction[TRIANGLE(a, b)] += (double)(sums[a] * sums[b]) / n;
            }
            outcome_correction[a] += (double)sums[a] * outcome_sum / n;
        }
    }

    double matrix[10];
    double rhs[REGRESSORS];
    for (int t = 0; t < 10; t++) matrix[t] = (double)q[t] - correction[t];
    for (int a = 0; a < REGRESSORS; a++) rhs[a] = pr[a] - outcome_correction[a];
    cholesky_solve4(matrix, rhs, beta + (u64)p * REGRESSORS);
}
