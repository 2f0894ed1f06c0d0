using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using GpuInference.Kernels.Assignment;
using GpuInference.Kernels.Models;
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
        Explicit(typeof(ModelKernels), nameof(ModelKernels.Moments)),
        Explicit(typeof(ModelKernels), nameof(ModelKernels.Residuals)),
    ];

    private const DynamicallyAccessedMemberTypes Methods = DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods;

    private static KernelEntry Implicit([DynamicallyAccessedMembers(Methods)] Type type, string name) => new($"{type.Name}.{name}", Find(type, name), false);

    private static KernelEntry Explicit([DynamicallyAccessedMembers(Methods)] Type type, string name) => new($"{type.Name}.{name}", Find(type, name), true);

    private static MethodInfo Find([DynamicallyAccessedMembers(Methods)] Type type, string name) =>
        type.GetMethod(name, BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
        ?? throw new MissingMethodException(type.FullName, name);
}
