namespace GpuInference.Model;

/// <summary>
/// The report notes that say how the data became analysis units, in one place: the general compiler and the paper
/// preset's engine say the same things in the same words.
/// </summary>
public static class ModelNotes
{
    public static string BlankDropped(int rows, string column) =>
        $"{rows:N0} row{(rows == 1 ? "" : "s")} dropped for a blank '{column}' (listwise deletion)";

    public static string SingletonsLeftOut(int units, string fixedEffect) =>
        $"{units:N0} unit{(units == 1 ? " was" : "s were")} alone in {(units == 1 ? "its" : "their")} {fixedEffect} group and left out (singleton fixed effects, as fixest drops them)";

    public static string Isolated(int units) =>
        $"{units:N0} unit{(units == 1 ? " has" : "s have")} no friends: their count(), any(), atleast() and wsum() are 0, and share() and wshare() are defined as 0";

    /// <summary>A fixed effect entered as dummies, with the dummies left out as redundant given the absorbed one and those before it.</summary>
    public static string DummyFixedEffect(string fixedEffect, int dummies, int redundant, string absorbed)
    {
        string plural = redundant == 1 ? "dummy is" : "dummies are";
        if (dummies == 0)
            return $"fixed effect {fixedEffect} adds nothing to {absorbed}: its {redundant:N0} {plural} redundant given the other fixed effects (it nests in them) and left out";
        string entered = $"fixed effect {fixedEffect} enters as {dummies:N0} dumm{(dummies == 1 ? "y" : "ies")} (only the fixed effect with the most groups, {absorbed}, is absorbed)";
        return redundant == 0 ? entered : $"{entered}; {redundant:N0} more {plural} redundant given the other fixed effects and left out";
    }
}
