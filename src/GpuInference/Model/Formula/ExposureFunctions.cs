namespace GpuInference.Model.Formula;

/// <summary>The exposure functions a formula may call, as data: name, kind, and the arguments each takes.</summary>
internal static class ExposureFunctions
{
    /// <summary>One function: its name in formulas, its kind, and how its arguments read in messages.</summary>
    public sealed record Function(string Name, ExposureKind Kind, string Signature)
    {
        /// <summary>1 for T alone, 2 for T and k.</summary>
        public int Arity => Kind == ExposureKind.AtLeast ? 2 : 1;
    }

    /// <summary>Every function, in the order messages list them.</summary>
    public static IReadOnlyList<Function> All { get; } =
    [
        new("count", ExposureKind.Count, "count(T)"),
        new("share", ExposureKind.Share, "share(T)"),
        new("any", ExposureKind.Any, "any(T)"),
        new("atleast", ExposureKind.AtLeast, "atleast(T, k)"),
        new("wsum", ExposureKind.WeightedSum, "wsum(T)"),
        new("wshare", ExposureKind.WeightedShare, "wshare(T)"),
    ];

    /// <summary>The function called <paramref name="name"/> (case-sensitive), if there is one.</summary>
    public static Function? Find(string name) => All.FirstOrDefault(f => f.Name == name);

    /// <summary>The function of <paramref name="kind"/>.</summary>
    public static Function Of(ExposureKind kind) => All.First(f => f.Kind == kind);
}
