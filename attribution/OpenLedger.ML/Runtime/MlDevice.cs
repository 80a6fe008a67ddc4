using TorchSharp;

namespace OpenLedger.ML.Runtime;

/// <summary>Which kind of device the configuration asks for.</summary>
public enum MlDeviceKind
{
    /// <summary>CUDA when libtorch reports a usable GPU, otherwise the CPU (the default).</summary>
    Auto,
    /// <summary>Always the CPU.</summary>
    Cpu,
    /// <summary>A CUDA GPU, required: selection fails when none is available rather than running silently on the CPU.</summary>
    Cuda,
}

/// <summary>A parsed device setting: "auto" | "cpu" | "cuda" | "cuda:N" (case-insensitive; empty means "auto").</summary>
public readonly record struct MlDeviceSetting(MlDeviceKind Kind, int CudaIndex = 0)
{
    public static MlDeviceSetting Auto => new(MlDeviceKind.Auto);
    public static MlDeviceSetting Cpu => new(MlDeviceKind.Cpu);

    public static MlDeviceSetting Parse(string? value)
    {
        var v = value?.Trim().ToLowerInvariant();
        switch (v)
        {
            case null or "" or "auto": return Auto;
            case "cpu": return Cpu;
            case "cuda" or "gpu": return new MlDeviceSetting(MlDeviceKind.Cuda);
        }
        if (v.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(v.AsSpan(5), out int index) && index >= 0)
            return new MlDeviceSetting(MlDeviceKind.Cuda, index);
        throw new ArgumentException($"unknown ML device '{value}': expected auto, cpu, cuda or cuda:N", nameof(value));
    }

    public override string ToString() => Kind switch
    {
        MlDeviceKind.Auto => "auto",
        MlDeviceKind.Cpu => "cpu",
        _ => CudaIndex == 0 ? "cuda" : $"cuda:{CudaIndex}",
    };
}

/// <summary>
/// Places the ML engine on a device by configuration. CUDA is used when the configuration allows it ("auto", "cuda")
/// and <c>torch.cuda.is_available()</c>; the CPU otherwise. An explicit "cuda" on a machine without one is an error, so
/// a GPU silo that lost its GPU says so instead of running hundreds of times slower. The packages referenced here carry
/// the CPU build of libtorch, so on them CUDA is never available; tests run on the CPU.
/// </summary>
public static class MlDevice
{
    /// <summary>The device for a configuration value ("auto" | "cpu" | "cuda" | "cuda:N").</summary>
    public static torch.Device Select(string? setting) => Select(MlDeviceSetting.Parse(setting));

    public static torch.Device Select(MlDeviceSetting setting)
    {
        TorchRuntime.EnsureLoaded();
        if (setting.Kind == MlDeviceKind.Cpu) return torch.CPU;   // no CUDA probing at all
        bool available = IsCudaAvailable();
        return Choose(setting, available, available ? torch.cuda.device_count() : 0);
    }

    /// <summary>The decision alone, for given facts about the machine (no native calls).</summary>
    public static torch.Device Choose(MlDeviceSetting setting, bool cudaAvailable, int cudaDeviceCount) => setting.Kind switch
    {
        MlDeviceKind.Cpu => new torch.Device(DeviceType.CPU),
        MlDeviceKind.Auto => cudaAvailable && cudaDeviceCount > 0 ? new torch.Device(DeviceType.CUDA, 0) : new torch.Device(DeviceType.CPU),
        _ when !cudaAvailable || cudaDeviceCount == 0 => throw new InvalidOperationException(
            $"ML device '{setting}' was configured but torch.cuda.is_available() is false " +
            "(this build references the CPU libtorch package, or the machine has no usable GPU); configure 'auto' or 'cpu'"),
        _ when setting.CudaIndex >= cudaDeviceCount => throw new InvalidOperationException(
            $"ML device '{setting}' was configured but only {cudaDeviceCount} CUDA device(s) are present"),
        _ => new torch.Device(DeviceType.CUDA, setting.CudaIndex),
    };

    /// <summary>Whether libtorch can use a CUDA GPU in this process.</summary>
    public static bool IsCudaAvailable()
    {
        TorchRuntime.EnsureLoaded();
        return torch.cuda.is_available();
    }
}
