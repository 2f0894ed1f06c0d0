using GpuInference.Backends;
using GpuInference.Backends.Devices;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace GpuInference.Tests.Gpu;

/// <summary>Names the backend a concrete test class runs against (see <see cref="BackendAgreementTests"/>).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GpuBackendAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>
/// A fact that runs only where its class's backend can start. ILGPU's CPU accelerator runs everywhere, so its tests
/// never skip (under CI=true an unavailable one runs and fails with the reason). CUDA and OpenCL tests are skipped
/// wherever there is no driver and supported device: on a GPU machine they run the same suite.
/// </summary>
[XunitTestCaseDiscoverer("GpuInference.Tests.Gpu.BackendFactDiscoverer", "GpuInference.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class BackendFactAttribute : FactAttribute;

public sealed class BackendFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        new BackendTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
}

public sealed class BackendTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public BackendTestCase()
    {
    }

    public BackendTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod testMethod)
        : base(sink, display, options, testMethod)
    {
    }

    protected override string GetSkipReason(IAttributeInfo factAttribute) =>
        BackendGate.SkipReason(TestMethod.TestClass.Class.ToRuntimeType()) ?? base.GetSkipReason(factAttribute);
}

/// <summary>Decides, once per backend, whether its tests run here.</summary>
public static class BackendGate
{
    private static readonly Dictionary<string, BackendAvailability> Probed = [];

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static IBackendProvider Provider(string name) => name switch
    {
        "ilgpu-cpu" => new IlgpuBackendProvider(DeviceKind.Cpu),
        "opencl" => new IlgpuBackendProvider(DeviceKind.OpenCL),
        "cuda" => new IlgpuBackendProvider(DeviceKind.Cuda),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a device backend"),
    };

    /// <summary>Options the device tests use: any device of the backend, CPU devices included.</summary>
    public static BackendOptions Options { get; } = new();

    public static BackendAvailability Availability(string name)
    {
        lock (Probed)
        {
            if (!Probed.TryGetValue(name, out BackendAvailability? availability))
            {
                availability = Provider(name).Probe(Options);
                Probed[name] = availability;
            }
            return availability;
        }
    }

    /// <summary>Null when the tests of <paramref name="testClass"/> must run, else why they are skipped.</summary>
    public static string? SkipReason(Type testClass)
    {
        string? name = testClass.GetCustomAttributes(typeof(GpuBackendAttribute), inherit: false).OfType<GpuBackendAttribute>().FirstOrDefault()?.Name;
        if (name is null) return null;
        BackendAvailability availability = Availability(name);
        if (availability.IsAvailable) return null;
        if (name == "ilgpu-cpu" && IsCi) return null; // run, and fail with the reason
        return $"{name} unavailable: {availability.Reason}";
    }
}
