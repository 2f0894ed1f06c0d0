namespace GpuInference.Analysis;

/// <summary>
/// An IProgress that calls back on the reporting thread. Progress&lt;T&gt; posts to the thread pool instead, so its
/// last reports can arrive after the work (and its progress bar) has finished.
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
