namespace OpenLedger.ML.Attribution;

/// <summary>One LoRA layer's slice of an index row: its module name and shape, and where its projected gradient of A
/// ([rank, kIn], row-major) then of B ([kOut, rank]) sits in the row.</summary>
public sealed record IndexLayer(string Name, int InFeatures, int OutFeatures, int Rank, int KeptIn, int KeptOut, int Offset)
{
    public int Dimension => Rank * KeptIn + KeptOut * Rank;
}
