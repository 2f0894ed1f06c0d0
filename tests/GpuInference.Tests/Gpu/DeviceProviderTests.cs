using GpuInference.Backends;
using GpuInference.Backends.Devices;
using GpuInference.Tests.Support;

namespace GpuInference.Tests.Gpu;

/// <summary>Device discovery as a user meets it: a missing driver is a reason, not a crash; --device is checked.</summary>
public sealed class DeviceProviderTests
{
    [Theory]
    [InlineData(DeviceKind.Cuda, "libcuda.so.1")]
    [InlineData(DeviceKind.OpenCL, "libOpenCL.so.1")]
    public void MissingDriverIsUnavailableWithAReason(DeviceKind kind, string library)
    {
        BackendAvailability availability = new IlgpuBackendProvider(kind).Probe(new BackendOptions());
        if (availability.IsAvailable) return; // a machine with that driver: the agreement suites cover it
        Assert.False(string.IsNullOrWhiteSpace(availability.Reason));
        if (!System.Runtime.InteropServices.NativeLibrary.TryLoad(library, out _)) Assert.Contains($"{library} not found", availability.Reason);
        var problem = TestProblems.Random(nodes: 10, units: 10, meanDegree: 1, seed: 1);
        Assert.Throws<BackendUnavailableException>(() => new IlgpuBackendProvider(kind).Create(problem, new BackendOptions()));
    }

    [Fact]
    public void CpuAcceleratorIsAlwaysThereButNeverAGpu()
    {
        var provider = new IlgpuBackendProvider(DeviceKind.Cpu);
        Assert.Equal("ilgpu-cpu", provider.Name);
        BackendAvailability named = provider.Probe(new BackendOptions());
        Assert.True(named.IsAvailable, named.Reason);
        Assert.All(named.Devices, d => Assert.False(d.IsGpu));
        BackendAvailability automatic = provider.Probe(new BackendOptions { GpuOnly = true });
        Assert.False(automatic.IsAvailable);
        Assert.Contains("not a GPU", automatic.Reason);
    }

    [Fact]
    public void DeviceIndexOutOfRangeIsRefusedWithTheCount()
    {
        var provider = new IlgpuBackendProvider(DeviceKind.Cpu);
        BackendAvailability availability = provider.Probe(new BackendOptions { Device = 5 });
        Assert.False(availability.IsAvailable);
        Assert.Equal("no device 5: 1 ilgpu-cpu device found (counted from 0)", availability.Reason);
        var problem = TestProblems.Random(nodes: 10, units: 10, meanDegree: 1, seed: 1);
        var error = Assert.Throws<BackendUnavailableException>(() => provider.Create(problem, new BackendOptions { Device = 5 }));
        Assert.Contains("no device 5", error.Message);
    }

    [Fact]
    public void AutoNeverPicksTheCpuAccelerator()
    {
        var problem = TestProblems.Random(nodes: 10, units: 10, meanDegree: 1, seed: 1);
        using BackendSession session = BackendSession.Open("auto", [new IlgpuBackendProvider(DeviceKind.Cpu), new Backends.Cpu.CpuBackendProvider()], problem, new BackendOptions());
        Assert.Equal("cpu", session.Current.Name);
        Assert.Contains(session.Notes, n => n.StartsWith("skipped ilgpu-cpu: ", StringComparison.Ordinal));
    }
}
