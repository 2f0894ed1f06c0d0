namespace GpuInference.Model;

/// <summary>A model that cannot be fitted to these data as asked (a term of the wrong kind, a treatment that is not 0/1 ...).</summary>
public sealed class ModelCompilationException(string message) : Exception(message);
