namespace GpuInference.Simulation;

/// <summary>One level of the simulated 2010 turnout covariate: its label, its share of people and their base turnout in 2012.</summary>
public sealed record Vote2010Group(string Name, double Share, double Turnout);
