namespace CallCampaigns.Testing;

/// <summary>Waits, in real time, for something the system does in the background (a webhook applied, a call placed).</summary>
public static class Eventually
{
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not hold in time");
            await Task.Delay(50);
        }
    }

    public static Task HoldsAsync(Func<bool> condition, TimeSpan? within = null) => HoldsAsync(() => Task.FromResult(condition()), within);
}
