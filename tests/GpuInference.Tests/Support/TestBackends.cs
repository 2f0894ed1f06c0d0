using GpuInference.Backends;
using GpuInference.Design;

namespace GpuInference.Tests.Support;

/// <summary>
/// Test-side decorators over any provider: a fault on one chosen call, or a forced way of building the permuted
/// assignment. The library has no such knobs; these wrap what it exposes.
/// </summary>
public static class TestBackends
{
    /// <summary>Backends of <paramref name="inner"/> that throw <see cref="BackendFaultException"/> on call <paramref name="call"/> (1-based) only.</summary>
    public static IBackendProvider FailingOnCall(IBackendProvider inner, int call) => new FaultOnCallProvider(inner, call);

    /// <summary>Backends of <paramref name="inner"/> that build every batch's assignment by <paramref name="method"/>.</summary>
    public static IBackendProvider WithAssignment(IBackendProvider inner, AssignmentMethod method) => new ForcedAssignmentProvider(inner, method);

    private sealed class FaultOnCallProvider(IBackendProvider inner, int call) : IBackendProvider
    {
        public string Name => inner.Name;

        public BackendAvailability Probe(BackendOptions options) => inner.Probe(options);

        public IPermutationBackend Create(SpilloverProblem problem, BackendOptions options) => new FaultOnCallBackend(inner.Create(problem, options), call);
    }

    private sealed class FaultOnCallBackend(IPermutationBackend inner, int failingCall) : IPermutationBackend
    {
        private int _calls;

        public string Name => inner.Name;

        public string Device => inner.Device;

        public int MaxBatchSize => inner.MaxBatchSize;

        public void Fit(PermutationBatch batch, Span<double> coefficients)
        {
            if (++_calls == failingCall) throw new BackendFaultException($"{Name}: injected fault on call {_calls}");
            inner.Fit(batch, coefficients);
        }

        public void Dispose() => inner.Dispose();
    }

    private sealed class ForcedAssignmentProvider(IBackendProvider inner, AssignmentMethod method) : IBackendProvider
    {
        public string Name => inner.Name;

        public BackendAvailability Probe(BackendOptions options) => inner.Probe(options);

        public IPermutationBackend Create(SpilloverProblem problem, BackendOptions options) =>
            inner is IAssignmentMethodProvider methods
                ? methods.Create(problem, options, method)
                : throw new InvalidOperationException($"{inner.Name} cannot be told how to build the assignment");
    }
}
