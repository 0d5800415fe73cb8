namespace CallCampaigns.Grains.Abstractions;

/// <summary>
/// Finds calls that stayed in flight too long without news, asks the provider about them and applies the answer
/// as if it were a webhook. A singleton, ticked by every node.
/// </summary>
public interface ICallReconcilerGrain : IGrainWithIntegerKey
{
    const long Key = 0;

    Task Tick();
}
