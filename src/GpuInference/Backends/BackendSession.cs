using GpuInference.Design;

namespace GpuInference.Backends;

/// <summary>
/// Chooses a backend and keeps the ones still untried, so that a run can move on when a device fails.
/// <c>auto</c> tries the providers in the order given (CUDA, then an OpenCL GPU, then the CPU) and records why it
/// passed over each; a backend asked for by name is the only candidate, and its absence is an error.
/// </summary>
public sealed class BackendSession : IDisposable
{
    private readonly Queue<IBackendProvider> _untried;
    private readonly SpilloverProblem _problem;
    private readonly BackendOptions _options;
    private readonly List<string> _notes = [];

    private BackendSession(Queue<IBackendProvider> untried, SpilloverProblem problem, BackendOptions options, bool automatic)
    {
        _untried = untried;
        _problem = problem;
        _options = options;
        IsAutomatic = automatic;
    }

    /// <summary>The backend in use.</summary>
    public IPermutationBackend Current { get; private set; } = null!;

    /// <summary>Why each skipped backend was skipped, and every fallback taken, in order.</summary>
    public IReadOnlyList<string> Notes => _notes;

    public bool IsAutomatic { get; }

    /// <summary>
    /// Fails fast, before any data is loaded, when <paramref name="requested"/> names no backend (an
    /// <see cref="ArgumentException"/>: a usage error), or one whose driver or device is missing here (a
    /// <see cref="BackendUnavailableException"/>). "auto" always passes: the CPU backend is its last resort.
    /// </summary>
    public static void Check(string requested, IReadOnlyList<IBackendProvider> providers, BackendOptions options)
    {
        if (IsAuto(requested)) return;
        IBackendProvider provider = Named(requested, providers).FirstOrDefault()
            ?? throw new ArgumentException($"--backend: unknown backend '{requested}' (choose auto, {string.Join(", ", providers.Select(p => p.Name))}).");
        BackendAvailability availability = provider.Probe(options);
        if (!availability.IsAvailable)
        {
            throw new BackendUnavailableException($"backend '{requested}' is unavailable: {provider.Name}: {availability.Reason}");
        }
    }

    /// <summary>Opens the backend named by <paramref name="requested"/> ("auto" or a provider name).</summary>
    public static BackendSession Open(string requested, IReadOnlyList<IBackendProvider> providers, SpilloverProblem problem, BackendOptions options)
    {
        bool automatic = IsAuto(requested);
        var queue = new Queue<IBackendProvider>(automatic ? providers : Named(requested, providers));
        if (queue.Count == 0) throw Unknown(requested, providers);
        var session = new BackendSession(queue, problem, options, automatic);
        if (!session.TryAdvance(out string reason))
        {
            throw new BackendUnavailableException(automatic ? $"no backend could start: {reason}" : $"backend '{requested}' is unavailable: {reason}");
        }
        return session;
    }

    /// <summary>
    /// Starts a general-model backend by the same rules as <see cref="Open"/>: the one named, or under "auto" the
    /// first GPU backend that starts, then the CPU. <paramref name="notes"/> receives why each skipped one was skipped.
    /// </summary>
    public static Models.IModelBackend OpenModel(
        string requested, IReadOnlyList<IBackendProvider> providers, Models.ModelProblem problem, BackendOptions options, ICollection<string> notes)
    {
        ArgumentNullException.ThrowIfNull(notes);
        bool automatic = IsAuto(requested);
        IEnumerable<IBackendProvider> candidates = automatic ? providers : Named(requested, providers);
        if (!candidates.Any()) throw Unknown(requested, providers);
        string reason = "";
        foreach (IBackendProvider provider in candidates)
        {
            BackendOptions chosen = automatic && provider.Name != "cpu" ? options with { GpuOnly = true } : options;
            BackendAvailability availability = provider.Probe(chosen);
            if (!availability.IsAvailable)
            {
                reason = $"{provider.Name}: {availability.Reason}";
                notes.Add($"skipped {reason}");
                continue;
            }
            try
            {
                return provider.CreateModel(problem, chosen);
            }
            catch (BackendUnavailableException e)
            {
                reason = $"{provider.Name}: {e.Message}";
                notes.Add($"skipped {reason}");
            }
        }
        throw new BackendUnavailableException(automatic ? $"no backend could start: {reason}" : $"backend '{requested}' is unavailable: {reason}");
    }

    private static bool IsAuto(string requested) => string.Equals(requested, "auto", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<IBackendProvider> Named(string requested, IReadOnlyList<IBackendProvider> providers) =>
        providers.Where(p => string.Equals(p.Name, requested, StringComparison.OrdinalIgnoreCase));

    private static BackendUnavailableException Unknown(string requested, IReadOnlyList<IBackendProvider> providers) =>
        new($"unknown backend '{requested}' (choose auto, {string.Join(", ", providers.Select(p => p.Name))}).");

    /// <summary>Drops the current backend after a fault and starts the next candidate. False when none is left.</summary>
    public bool FallBack(string why)
    {
        string failed = Current.Name;
        Current.Dispose();
        bool advanced = TryAdvance(out string reason);
        _notes.Add(advanced ? $"{failed} failed ({why}); continued on {Current.Name}" : $"{failed} failed ({why}); no backend left: {reason}");
        return advanced;
    }

    private bool TryAdvance(out string reason)
    {
        reason = "";
        while (_untried.TryDequeue(out IBackendProvider? provider))
        {
            // In auto mode a device backend must be a GPU: an OpenCL CPU device would only be slower than our own CPU code.
            BackendOptions options = IsAutomatic && provider.Name != "cpu" ? _options with { GpuOnly = true } : _options;
            BackendAvailability availability = provider.Probe(options);
            if (!availability.IsAvailable)
            {
                reason = $"{provider.Name}: {availability.Reason}";
                _notes.Add($"skipped {reason}");
                continue;
            }
            try
            {
                Current = provider.Create(_problem, options);
                return true;
            }
            catch (BackendUnavailableException e)
            {
                reason = $"{provider.Name}: {e.Message}";
                _notes.Add($"skipped {reason}");
            }
        }
        return false;
    }

    public void Dispose() => Current?.Dispose();
}
