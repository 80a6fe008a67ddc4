using OpenLedger.ML.NativeFix;
using OpenLedger.ML.NativeFix.Elf;
using OpenLedger.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace OpenLedger.Tests.ML;

/// <summary>Test classes that change libtorch's process-wide settings (thread count) run in this collection, alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchSettingsCollection
{
    public const string Name = "torch-settings";
}

/// <summary>TorchSharp loads on this machine (with the build's native fix where the machine needs it) and computes
/// the right numbers on the CPU.</summary>
[Collection(TorchSettingsCollection.Name)]
public class TorchRuntimeTests
{
    const string MarkerSymbol = "_ZSt21ios_base_library_initv";

    public TorchRuntimeTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void TorchSharp_loads_on_the_cpu()
    {
        TorchRuntime.EnsureLoaded();   // idempotent
        Assert.True(TorchRuntime.IsLoaded);
        using var four = 4.ToScalar();
        using var t = torch.arange(HeldScalars.Zero, four, HeldScalars.One, dtype: ScalarType.Float32);
        Assert.Equal(DeviceType.CPU, t.device_type);
        Assert.Equal(6f, t.sum().item<float>());
    }

    [Fact]
    public void Matmul_gives_the_expected_numbers()
    {
        using var a = torch.tensor(new double[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var b = torch.tensor(new double[] { 5, 6, 7, 8 }).reshape(2, 2);
        using var c = a.matmul(b);
        Assert.Equal(new double[] { 19, 22, 43, 50 }, c.data<double>().ToArray());

        // A larger product of small integers is exact in float32: compare with a plain C# product.
        const int n = 24;
        var rng = new Random(7);
        var x = Enumerable.Range(0, n * n).Select(_ => (float)rng.Next(-3, 4)).ToArray();
        var y = Enumerable.Range(0, n * n).Select(_ => (float)rng.Next(-3, 4)).ToArray();
        var expected = new float[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                float s = 0;
                for (int k = 0; k < n; k++) s += x[i * n + k] * y[k * n + j];
                expected[i * n + j] = s;
            }
        using var tx = torch.tensor(x).reshape(n, n);
        using var ty = torch.tensor(y).reshape(n, n);
        using var product = tx.matmul(ty);
        Assert.Equal(expected, product.data<float>().ToArray());
    }

    [Fact]
    public void Backward_gives_the_expected_gradients_and_an_optimizer_step_applies_them()
    {
        // y = W x, loss = sum(y^2): dL/dy = 2y, dL/dx = W^T dL/dy, dL/dW = dL/dy x^T.
        using var x = torch.tensor(new double[] { 1, 2, 3 }, requires_grad: true);
        using var w = new TorchSharp.Modules.Parameter(torch.tensor(new double[] { 1, 0, -1, 2, 1, 0 }));
        using var wm = w.reshape(2, 3);
        using var y = wm.matmul(x);                                     // [-2, 4]
        using var two = 2.ToScalar();
        using var loss = y.pow(two).sum();                              // 20
        Assert.Equal(20.0, loss.item<double>());
        loss.backward();
        Assert.Equal(new double[] { 12, 8, 4 }, x.grad!.data<double>().ToArray());
        Assert.Equal(new double[] { -4, -8, -12, 8, 16, 24 }, w.grad!.data<double>().ToArray());

        using (torch.no_grad())
        using (var step = (-0.125).ToScalar())                          // a power of two: the step is exact
            w.add_(w.grad!, step);
        Assert.Equal(new double[] { 1.5, 1, 0.5, 1, -1, -3 }, w.data<double>().ToArray());
    }

    [Fact]
    public void The_native_shim_in_the_test_output_carries_the_fix_where_this_machine_needs_it()
    {
        var report = TorchRuntime.InspectNativeShim();
        Assert.NotNull(report.ShimPath);
        Assert.StartsWith(Path.GetFullPath(AppContext.BaseDirectory), report.ShimPath);   // the output's copy, not the package's
        Assert.NotNull(report.LibStdCxxPath);
        Assert.NotNull(report.Analysis);
        Assert.Equal(LibStdCxxFixStatus.Satisfied, report.Analysis.Status);

        var image = ElfImage.Load(report.ShimPath);
        var marker = image.DynamicSymbols().Single(s => s.Name == MarkerSymbol);
        var need = image.VersionNeeds().Single(n => n.File == "libstdc++.so.6" && n.Name == TorchRuntime.MarkerVersion);
        bool machineNeedsFix = !SystemLibStdCxx.ProvidedVersions(report.LibStdCxxPath).Contains(TorchRuntime.MarkerVersion);
        if (machineNeedsFix)
        {
            Assert.True(report.Fixed);
            Assert.Equal(ElfImage.VerNdxGlobal, image.GetVersym(marker.Index));   // patchelf --clear-symbol-version
            Assert.True(need.IsWeak);                                            // vna_flags |= VER_FLG_WEAK
        }
        else
        {
            // A machine whose libstdc++ has GLIBCXX_3.4.32 is left alone: the package's file as shipped.
            Assert.False(report.Fixed);
            Assert.Equal(need.VersionIndex, image.GetVersym(marker.Index));
            Assert.False(need.IsWeak);
        }
    }

    [Fact]
    public void The_fix_changes_exactly_two_fields_of_the_package_shim_and_is_idempotent()
    {
        var pristine = File.ReadAllBytes(PackageShimPath());
        var image = ElfImage.Parse((byte[])pristine.Clone());
        Assert.False(LibStdCxxVersionFix.IsFixed(image, TorchRuntime.MarkerVersion));   // the package cache was not modified
        Assert.True(image.IsX86_64SharedObject);

        var needed = image.VersionNeeds().Where(n => n.File == "libstdc++.so.6").Select(n => n.Name).ToHashSet();
        var gcc13 = needed.ToHashSet();                                              // a libstdc++ with everything
        var gcc12 = needed.Where(v => v != TorchRuntime.MarkerVersion).ToHashSet();  // Debian 12's: up to GLIBCXX_3.4.30
        var gcc10 = needed.Where(v => v is not ("GLIBCXX_3.4.32" or "GLIBCXX_3.4.30" or "GLIBCXX_3.4.29")).ToHashSet();

        Assert.Equal(LibStdCxxFixStatus.Satisfied, LibStdCxxVersionFix.Analyze(image, gcc13).Status);
        var tooOld = LibStdCxxVersionFix.Analyze(image, gcc10);
        Assert.Equal(LibStdCxxFixStatus.Unfixable, tooOld.Status);                 // real code needs GLIBCXX_3.4.29/30
        Assert.Throws<InvalidOperationException>(() => LibStdCxxVersionFix.Apply(image, tooOld));

        var analysis = LibStdCxxVersionFix.Analyze(image, gcc12);
        Assert.Equal(LibStdCxxFixStatus.NeedsFix, analysis.Status);
        var missing = Assert.Single(analysis.Missing);
        Assert.Equal(TorchRuntime.MarkerVersion, missing.Need.Name);
        Assert.Equal(MarkerSymbol, Assert.Single(missing.Symbols).Name);
        Assert.DoesNotContain(missing.Symbols[0].Index, image.RelocatedDynamicSymbols());   // the loader never looks it up

        Assert.Equal(2, LibStdCxxVersionFix.Apply(image, analysis));
        var changed = Enumerable.Range(0, pristine.Length).Where(i => pristine[i] != image.Bytes[i]).ToArray();
        Assert.Equal(2, changed.Length);                                              // one versym entry, one vna_flags
        Assert.True(LibStdCxxVersionFix.IsFixed(image, TorchRuntime.MarkerVersion));
        Assert.Equal(LibStdCxxFixStatus.Satisfied, LibStdCxxVersionFix.Analyze(image, gcc12).Status);
        Assert.Equal(0, LibStdCxxVersionFix.Apply(image, LibStdCxxVersionFix.Analyze(image, null)));   // idempotent

        // "always" mode (no system to compare with) makes the same two edits.
        var always = ElfImage.Parse((byte[])pristine.Clone());
        Assert.Equal(2, LibStdCxxVersionFix.Apply(always, LibStdCxxVersionFix.Analyze(always, null)));
        Assert.Equal(image.Bytes, always.Bytes);

        // Where this machine needed the fix, the test output holds exactly these bytes.
        if (TorchRuntime.InspectNativeShim().Fixed)
            Assert.Equal(image.Bytes, File.ReadAllBytes(TorchRuntime.FindNativeShim()!));
    }

    [Fact]
    public void Elf_reader_rejects_what_it_does_not_understand()
    {
        Assert.Throws<ElfFormatException>(() => ElfImage.Parse("not an elf file at all, but long enough to have a header......."u8.ToArray()));
        var truncated = File.ReadAllBytes(PackageShimPath())[..4096];   // section headers lie past the end
        Assert.Throws<ElfFormatException>(() => ElfImage.Parse(truncated));
    }

    [Fact]
    public void Device_settings_parse_and_choose_cuda_only_when_allowed_and_available()
    {
        Assert.Equal(MlDeviceSetting.Auto, MlDeviceSetting.Parse(null));
        Assert.Equal(MlDeviceSetting.Auto, MlDeviceSetting.Parse(" Auto "));
        Assert.Equal(MlDeviceSetting.Cpu, MlDeviceSetting.Parse("CPU"));
        Assert.Equal(new MlDeviceSetting(MlDeviceKind.Cuda, 0), MlDeviceSetting.Parse("cuda"));
        Assert.Equal(new MlDeviceSetting(MlDeviceKind.Cuda, 1), MlDeviceSetting.Parse("cuda:1"));
        Assert.Throws<ArgumentException>(() => MlDeviceSetting.Parse("tpu"));
        Assert.Throws<ArgumentException>(() => MlDeviceSetting.Parse("cuda:-1"));

        Assert.Equal(DeviceType.CUDA, MlDevice.Choose(MlDeviceSetting.Auto, cudaAvailable: true, cudaDeviceCount: 1).type);
        Assert.Equal(DeviceType.CPU, MlDevice.Choose(MlDeviceSetting.Auto, cudaAvailable: false, cudaDeviceCount: 0).type);
        Assert.Equal(DeviceType.CPU, MlDevice.Choose(MlDeviceSetting.Cpu, cudaAvailable: true, cudaDeviceCount: 2).type);
        var second = MlDevice.Choose(MlDeviceSetting.Parse("cuda:1"), cudaAvailable: true, cudaDeviceCount: 2);
        Assert.Equal((DeviceType.CUDA, 1), (second.type, second.index));
        Assert.Throws<InvalidOperationException>(() => MlDevice.Choose(MlDeviceSetting.Parse("cuda"), cudaAvailable: false, cudaDeviceCount: 0));
        Assert.Throws<InvalidOperationException>(() => MlDevice.Choose(MlDeviceSetting.Parse("cuda:2"), cudaAvailable: true, cudaDeviceCount: 2));

        // On this machine (CPU libtorch): tests run on the CPU.
        Assert.Equal(DeviceType.CPU, MlDevice.Select("cpu").type);
        bool cuda = MlDevice.IsCudaAvailable();
        Assert.Equal(cuda ? DeviceType.CUDA : DeviceType.CPU, MlDevice.Select("auto").type);
        if (!cuda) Assert.Throws<InvalidOperationException>(() => MlDevice.Select("cuda"));
    }

    [Fact]
    public void Seeded_runs_repeat_and_single_threaded_scopes_restore_the_thread_count()
    {
        int before = torch.get_num_threads();
        float[] Draw()
        {
            TorchDeterminism.Seed(1234);
            using var t = torch.randn(16);
            return t.data<float>().ToArray();
        }
        Assert.Equal(Draw(), Draw());

        using (TorchDeterminism.SingleThreaded())
        {
            Assert.Equal(1, torch.get_num_threads());
            using (TorchDeterminism.SingleThreaded()) Assert.Equal(1, torch.get_num_threads());
            Assert.Equal(1, torch.get_num_threads());   // the inner scope does not restore while the outer is open
            Assert.True(TorchDeterminism.IsSingleThreaded);
        }
        Assert.False(TorchDeterminism.IsSingleThreaded);
        Assert.Equal(before, torch.get_num_threads());
    }

    /// <summary>The TorchSharp package's own libLibTorchSharp.so in the NuGet cache.</summary>
    static string PackageShimPath()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(root))
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var v = typeof(torch).Assembly.GetName().Version!;
        var path = Path.Combine(root, "torchsharp", $"{v.Major}.{v.Minor}.{v.Build}", "runtimes", "linux-x64", "native", TorchRuntime.NativeShimFileName);
        Assert.True(File.Exists(path), $"the TorchSharp package's native shim is not at {path}");
        return path;
    }
}
