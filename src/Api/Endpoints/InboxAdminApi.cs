using CallCampaigns.Api.Auth;
using CallCampaigns.Api.Contracts;
using CallCampaigns.Grains.Calls;
using CallCampaigns.Ledger.Calls;
using CallCampaigns.Ledger.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallCampaigns.Api.Endpoints;

/// <summary>The webhook inbox as the admin sees it: deliveries set aside after failing to apply, and putting one back in line.</summary>
public static class InboxAdminApi
{
    /// <summary>A delivery that could not be applied, with its last error.</summary>
    public sealed record SetAside(
        long Id, string? ExecutionId, string? Status, string Source, DateTimeOffset ReceivedAt, int Attempts, string? LastError, DateTimeOffset SetAsideAt)
    {
        public static SetAside From(SetAsideDelivery delivery) => new(
            delivery.Id, delivery.ExecutionId, delivery.Status, delivery.Source, UnixMs.ToTime(delivery.ReceivedAt),
            delivery.Attempts, delivery.LastError, UnixMs.ToTime(delivery.SetAsideAt));
    }

    public static RouteGroupBuilder MapInboxAdminApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/admin/webhooks").WithTags("Admin")
            .RequireAuthorization(policy => policy.RequireRole(ApiKeyAuthentication.AdminRole));
        group.MapGet("/set-aside", ListSetAside);
        group.MapPost("/set-aside/{id:long}/retry", Retry);
        return group;
    }

    public static async Task<Results<Ok<Paged<SetAside>>, ValidationProblem>> ListSetAside(InboxStore inbox, int? page, int? pageSize)
    {
        if (Paging.Check(page, pageSize) is { } invalid) return invalid;
        var (p, size) = Paging.Of(page, pageSize);
        var (items, total) = await inbox.ListSetAsideAsync(p, size);
        return TypedResults.Ok(new Paged<SetAside>(items.Select(SetAside.From).ToArray(), total, p, size));
    }

    public static async Task<Results<Accepted, NotFound>> Retry(long id, InboxStore inbox, CallApplier applier)
    {
        if (await inbox.RetrySetAsideAsync(id) is not { } executionId) return TypedResults.NotFound();
        applier.Signal(executionId);
        return TypedResults.Accepted((string?)null);
    }
}
