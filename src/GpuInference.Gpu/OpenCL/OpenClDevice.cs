using System.Text;
using GpuInference.Backends;
using static GpuInference.Gpu.OpenCL.OpenClApi;

namespace GpuInference.Gpu.OpenCL;

/// <summary>One OpenCL device as enumerated from the ICD loader.</summary>
internal sealed record OpenClDevice(
    nint Platform, nint Id, string PlatformName, string Name, string Vendor, string Version, string DriverVersion,
    ulong Type, long GlobalMemory, long MaxAllocation, int ComputeUnits, bool HasDoubles, bool IsLittleEndian)
{
    public bool IsGpu => (Type & DeviceTypeGpu) != 0;

    public string TypeName => IsGpu ? "GPU" : (Type & DeviceTypeCpu) != 0 ? "CPU" : (Type & DeviceTypeAccelerator) != 0 ? "accelerator" : "other";

    /// <summary>One line for reports: "pthread-... (Portable Computing Language, CPU, OpenCL 3.0 PoCL ...)".</summary>
    public string Describe() => $"{Name} ({PlatformName}, {TypeName}, {Version})";

    public DeviceInfo ToDeviceInfo() => new(
        "opencl", Name, GlobalMemory, ComputeUnits, IsGpu,
        $"{TypeName}; platform {PlatformName}; {Version}; driver {DriverVersion}; fp64 {(HasDoubles ? "yes" : "NO")}; max allocation {MaxAllocation >> 20} MiB");

    /// <summary>All devices of all platforms. No platform (CL_PLATFORM_NOT_FOUND_KHR) is an empty list.</summary>
    public static unsafe IReadOnlyList<OpenClDevice> Enumerate()
    {
        uint platformCount = 0;
        int status = clGetPlatformIDs(0, null, &platformCount);
        if (status == -1001 || platformCount == 0) return [];
        OpenClException.ThrowIfFailed(status, "clGetPlatformIDs");
        var platforms = new nint[platformCount];
        fixed (nint* p = platforms) OpenClException.ThrowIfFailed(clGetPlatformIDs(platformCount, p, null));

        var devices = new List<OpenClDevice>();
        foreach (nint platform in platforms)
        {
            uint deviceCount = 0;
            status = clGetDeviceIDs(platform, DeviceTypeAll, 0, null, &deviceCount);
            if (status == -1 || deviceCount == 0) continue; // CL_DEVICE_NOT_FOUND
            OpenClException.ThrowIfFailed(status, "clGetDeviceIDs");
            var ids = new nint[deviceCount];
            fixed (nint* d = ids) OpenClException.ThrowIfFailed(clGetDeviceIDs(platform, DeviceTypeAll, deviceCount, d, null));
            string platformName = PlatformString(platform, OpenClApi.PlatformName);
            foreach (nint id in ids)
            {
                string extensions = DeviceString(id, DeviceExtensions);
                devices.Add(new OpenClDevice(
                    platform, id, platformName, DeviceString(id, DeviceName).Trim(), DeviceString(id, DeviceVendor),
                    DeviceString(id, DeviceVersion), DeviceString(id, OpenClApi.DriverVersion), DeviceScalar<ulong>(id, DeviceType),
                    (long)DeviceScalar<ulong>(id, DeviceGlobalMemSize), (long)DeviceScalar<ulong>(id, DeviceMaxMemAllocSize),
                    (int)DeviceScalar<uint>(id, DeviceMaxComputeUnits),
                    extensions.Contains("cl_khr_fp64", StringComparison.Ordinal) || DeviceScalar<ulong>(id, DeviceDoubleFpConfig) != 0,
                    DeviceScalar<uint>(id, DeviceEndianLittle) != 0));
            }
        }
        return devices;
    }

    private static unsafe string PlatformString(nint platform, uint parameter)
    {
        nuint size = 0;
        OpenClException.ThrowIfFailed(clGetPlatformInfo(platform, parameter, 0, null, &size));
        var buffer = new byte[(int)size];
        fixed (byte* b = buffer) OpenClException.ThrowIfFailed(clGetPlatformInfo(platform, parameter, size, b, null));
        return Terminated(buffer);
    }

    private static unsafe string DeviceString(nint device, uint parameter)
    {
        nuint size = 0;
        OpenClException.ThrowIfFailed(clGetDeviceInfo(device, parameter, 0, null, &size));
        var buffer = new byte[(int)size];
        fixed (byte* b = buffer) OpenClException.ThrowIfFailed(clGetDeviceInfo(device, parameter, size, b, null));
        return Terminated(buffer);
    }

    private static unsafe T DeviceScalar<T>(nint device, uint parameter) where T : unmanaged
    {
        T value = default;
        OpenClException.ThrowIfFailed(clGetDeviceInfo(device, parameter, (nuint)sizeof(T), &value, null));
        return value;
    }

    private static string Terminated(byte[] buffer)
    {
        int end = Array.IndexOf(buffer, (byte)0);
        return Encoding.UTF8.GetString(buffer, 0, end < 0 ? buffer.Length : end);
    }
}
