using GpuInference.Design;

namespace GpuInference.Backends;

/// <summary>
/// A provider whose backends can be told how to build the permuted assignment. Every method gives the same bits, so
/// this is no user option: the self-check runs each method on every device, and tests and benchmarks pick one.
/// </summary>
internal interface IAssignmentMethodProvider
{
    IPermutationBackend Create(SpilloverProblem problem, BackendOptions options, AssignmentMethod method);
}
