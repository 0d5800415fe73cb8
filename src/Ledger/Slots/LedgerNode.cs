namespace CallCampaigns.Ledger.Slots;

/// <summary>This node as the ledger records it on the leases it binds: its silo address with generation.</summary>
public sealed record LedgerNode(string Id);
