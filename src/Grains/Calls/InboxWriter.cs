using System.Threading.Channels;
using CallCampaigns.Domain;
using CallCampaigns.Ledger.Calls;
using CallCampaigns.Ledger.Infrastructure;
using Microsoft.Extensions.Hosting;

namespace CallCampaigns.Grains.Calls;

/// <summary>
/// Stores webhook deliveries with group commit: requests that arrive while a write is under way are written
/// together by the next one (one multi-row statement), so the ledger sees a few writes however many webhooks come.
/// A delivery's request is answered once its write has committed; its execution is then signalled to the applier.
/// </summary>
public sealed class InboxWriter(InboxStore inbox, CallApplier applier, EngineClock time, ILogger<InboxWriter> logger) : BackgroundService
{
    private const int MaxBatch = 512;

    private sealed record Pending(NewDelivery Delivery, TaskCompletionSource Stored);

    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(20_000) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    /// <summary>Completes when the delivery is durably stored; throws when the ledger could not store it.</summary>
    public async Task StoreAsync(NewDelivery delivery, CancellationToken cancellationToken = default)
    {
        var pending = new Pending(delivery, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        await pending.Stored.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending)) batch.Add(pending);
                await WriteAsync(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var pending)) batch.Add(pending);
            foreach (var pending in batch) pending.Stored.TrySetException(new OperationCanceledException("The node is stopping"));
        }
    }

    private async Task WriteAsync(List<Pending> batch)
    {
        try
        {
            await inbox.StoreAsync(batch.Select(p => p.Delivery).ToArray(), UnixMs.From(time.GetUtcNow()));
        }
        catch (Exception e)
        {
            logger.LogWarning("Could not store {Count} webhook deliveries: {Error}", batch.Count, e.Message);
            foreach (var pending in batch) pending.Stored.TrySetException(e);
            return;
        }

        // The appliers first: a line's end reaches the next dial without waiting for the answers to be sent.
        foreach (var executionId in batch.Select(p => p.Delivery.ExecutionId).Distinct(StringComparer.Ordinal)) applier.Signal(executionId);
        foreach (var pending in batch) pending.Stored.TrySetResult();
    }
}
