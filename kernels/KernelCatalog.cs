using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using GpuInference.Kernels.Assignment;
using GpuInference.Kernels.Models;
using GpuInference.Kernels.Models.Atoms;
using GpuInference.Kernels.Probes;
using GpuInference.Kernels.Sums;

namespace GpuInference.Kernels;

/// <summary>One kernel entry point: its method, and whether it is explicitly grouped (uses groups, shared memory, barriers).</summary>
public sealed record KernelEntry(string Name, MethodInfo Method, bool ExplicitlyGrouped);

/// <summary>
/// Every kernel this project defines, in one list: what <see cref="SpilloverKernels"/> loads and what the tests
/// compile for every GPU target. A kernel added to the pipeline but not here fails the catalog test.
/// </summary>
public static class KernelCatalog
{
    public static IReadOnlyList<KernelEntry> All { get; } =
    [
        Implicit(typeof(ProbeKernels), nameof(ProbeKernels.Philox)),
        Implicit(typeof(ProbeKernels), nameof(ProbeKernels.Bijection)),
        Implicit(typeof(AssignmentKernels), nameof(AssignmentKernels.RoundKeys)),
        Explicit(typeof(AssignmentKernels), nameof(AssignmentKernels.Gather)),
        Implicit(typeof(AssignmentKernels), nameof(AssignmentKernels.FillMajority)),
        Explicit(typeof(AssignmentKernels), nameof(AssignmentKernels.CorrectMinority)),
        Explicit(typeof(ChunkSumKernels), nameof(ChunkSumKernels.ChunkSums)),
        Implicit(typeof(ChunkSumKernels), nameof(ChunkSumKernels.StratumSums)),
        // The general model's kernels are generic in the model's atoms; the catalog compiles them for every kind at once.
        new($"{nameof(ModelKernels)}.{nameof(ModelKernels.Moments)}", ModelKernel(nameof(ModelKernels.Moments), AtomTypes.EveryKind), true),
        new($"{nameof(ModelKernels)}.{nameof(ModelKernels.Residuals)}", ModelKernel(nameof(ModelKernels.Residuals), AtomTypes.EveryKind), true),
    ];

    /// <summary>
    /// The general model's kernel <paramref name="name"/> (<c>Moments</c> or <c>Residuals</c>) compiled for a model whose
    /// atoms have kinds <paramref name="kinds"/> (see <see cref="AtomTypes"/>).
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2060", Justification = "The type argument is an atom list of AtomTypes, and a trimmed publish keeps this assembly whole (IsTrimmable false).")]
    public static MethodInfo ModelKernel(string name, IReadOnlyList<int> kinds) =>
        Find(typeof(ModelKernels), name).MakeGenericMethod(AtomTypes.ListOf(kinds));

    private const DynamicallyAccessedMemberTypes Methods = DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods;

    private static KernelEntry Implicit([DynamicallyAccessedMembers(Methods)] Type type, string name) => new($"{type.Name}.{name}", Find(type, name), false);

    private static KernelEntry Explicit([DynamicallyAccessedMembers(Methods)] Type type, string name) => new($"{type.Name}.{name}", Find(type, name), true);

    private static MethodInfo Find([DynamicallyAccessedMembers(Methods)] Type type, string name) =>
        type.GetMethod(name, BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
        ?? throw new MissingMethodException(type.FullName, name);
}
