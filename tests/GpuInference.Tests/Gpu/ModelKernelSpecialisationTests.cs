using System.Text.RegularExpressions;
using GpuInference.Backends.Devices;
using GpuInference.Kernels;
using GpuInference.Kernels.Exposures;
using GpuInference.Kernels.Models;
using GpuInference.Kernels.Models.Atoms;
using GpuInference.Model.Formula;

namespace GpuInference.Tests.Gpu;

/// <summary>
/// The general model's kernels are compiled per model, each atom's exposure kind a type argument: the list type is
/// built in the model's order, every formula kind has its struct, and the compiled code holds only the model's own
/// exposures (a kernel that chose kinds by a switch would carry every kind's code whatever the model).
/// </summary>
public sealed class ModelKernelSpecialisationTests : IDisposable
{
    private readonly KernelTargets _targets = new();

    [Fact]
    public void TheListTypeHoldsTheAtomsInTheModelsOrder()
    {
        Type list = AtomTypes.ListOf([ExposureCodes.Share, AtomTypes.OwnValue, ExposureCodes.AtLeast]);
        Assert.Equal(
            typeof(AtomList<ExposureAtom<ShareExposure>, AtomList<OwnValueAtom, AtomList<AtLeastAtom, EndOfAtoms>>>),
            list);
        Assert.Equal(typeof(EndOfAtoms), AtomTypes.ListOf([]));
    }

    /// <summary>Each kind of the formula (numbered as the host lays models out) has the struct of its own exposure.</summary>
    [Fact]
    public void EveryFormulaKindHasItsOwnStruct()
    {
        var expected = new Dictionary<ExposureKind, Type>
        {
            [ExposureKind.Count] = typeof(ExposureAtom<CountExposure>),
            [ExposureKind.Share] = typeof(ExposureAtom<ShareExposure>),
            [ExposureKind.Any] = typeof(ExposureAtom<AnyExposure>),
            [ExposureKind.AtLeast] = typeof(AtLeastAtom),
            [ExposureKind.WeightedSum] = typeof(ExposureAtom<WeightedSumExposure>),
            [ExposureKind.WeightedShare] = typeof(ExposureAtom<WeightedShareExposure>),
        };
        Assert.Equal(Enum.GetValues<ExposureKind>().Order(), expected.Keys.Order());
        foreach (var (kind, type) in expected) Assert.Equal(type, AtomTypes.Of((int)kind));
        Assert.Equal(typeof(OwnValueAtom), AtomTypes.Of(AtomTypes.OwnValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => AtomTypes.Of(6));
        Assert.Equal(expected.Count + 1, AtomTypes.EveryKind.Distinct().Count());
    }

    /// <summary>
    /// The first pass divides only for share and wshare: compiled for a model of counts, any and own values, its PTX
    /// has no division in double precision; with a share, it has one. The model's kinds reach the compiled code.
    /// </summary>
    [Theory]
    [InlineData(new[] { ExposureCodes.Count, ExposureCodes.Any, AtomTypes.OwnValue }, false)]
    [InlineData(new[] { ExposureCodes.Count, ExposureCodes.AtLeast, ExposureCodes.WeightedSum }, false)]
    [InlineData(new[] { ExposureCodes.Count, ExposureCodes.Share, AtomTypes.OwnValue }, true)]
    [InlineData(new[] { ExposureCodes.WeightedShare }, true)]
    public void OnlyTheModelsExposuresAreCompiled(int[] kinds, bool divides)
    {
        var kernel = new KernelEntry("ModelKernels.Moments", KernelCatalog.ModelKernel(nameof(ModelKernels.Moments), kinds), true);
        string ptx = _targets.Ptx(kernel, "sm_90");
        Assert.Contains(".entry ", ptx, StringComparison.Ordinal);
        Assert.Equal(divides, Regex.IsMatch(ptx, @"\bdiv(\.\w+)*\.f64\b"));
    }

    public void Dispose() => _targets.Dispose();
}
