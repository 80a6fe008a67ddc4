namespace OpenLedger.ML.Attribution;

/// <summary>One diagonal block of a <see cref="Preconditioner"/>: the inverse [size, size] (row-major float32) for the
/// row slice [offset, offset + size).</summary>
public sealed record PreconditionerBlock(int Offset, int Size, float[] Inverse);
