namespace OpenLedger.Core.Transactions;

/// <summary>A retired model accepts no new inference requests; requests already paid for are still served and settled.</summary>
public enum ModelStatus : byte { Active = 1, Retired = 2 }
