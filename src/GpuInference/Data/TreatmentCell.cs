namespace GpuInference.Data;

/// <summary>A node's cell of the 2×2 design, as two bits so that a kernel can test each with a mask.</summary>
[Flags]
public enum TreatmentCell : byte
{
    Neither = 0,
    Banner = 1,
    Feed = 2,
    Both = Banner | Feed,
}
