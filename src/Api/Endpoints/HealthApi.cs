using CallCampaigns.Ledger.Users;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.Runtime;

namespace CallCampaigns.Api.Endpoints;

/// <summary>Liveness, and readiness once the silo has joined its cluster and the ledger answers.</summary>
public static class HealthApi
{
    public sealed record Health(string Status, string? Detail = null);

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health/live", () => TypedResults.Ok(new Health("live"))).WithTags("Operations");
        routes.MapGet("/health/ready", Ready).WithTags("Operations");
        return routes;
    }

    public static async Task<Results<Ok<Health>, JsonHttpResult<Health>>> Ready(
        IClusterMembershipService membership, ILocalSiloDetails silo, UserStore users)
    {
        if (membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress) != SiloStatus.Active)
        {
            return TypedResults.Json(new Health("starting", "The silo has not joined its cluster yet."), statusCode: 503);
        }

        try
        {
            await users.GetSystemLimitAsync();
        }
        catch (Exception e)
        {
            return TypedResults.Json(new Health("unavailable", $"The ledger does not answer: {e.Message}"), statusCode: 503);
        }

        return TypedResults.Ok(new Health("ready"));
    }
}
