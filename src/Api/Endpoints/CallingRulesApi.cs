using CallCampaigns.Api.Auth;
using CallCampaigns.Api.Contracts;
using CallCampaigns.Grains.Abstractions;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Rules;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallCampaigns.Api.Endpoints;

/// <summary>The calling rules (quiet hours) every campaign goes by: the admin key only.</summary>
public static class CallingRulesApi
{
    public static RouteGroupBuilder MapCallingRulesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/admin/calling-rules").WithTags("Admin")
            .RequireAuthorization(policy => policy.RequireRole(ApiKeyAuthentication.AdminRole));
        group.MapGet("/", List);
        group.MapPut("/", Replace);
        return group;
    }

    public static async Task<Ok<IReadOnlyList<CallingRuleDto>>> List(CallingRuleStore rules) =>
        TypedResults.Ok<IReadOnlyList<CallingRuleDto>>((await rules.ListAsync()).Select(CallingRuleDto.Of).ToArray());

    /// <summary>
    /// Replaces the whole list; nothing changes when any rule is invalid. Running campaigns are woken to decide their
    /// waiting items again (another node sees the new rules within <see cref="CallingRuleBook.MaxAge"/>, or at the
    /// campaign's next safety-net wake).
    /// </summary>
    public static async Task<Results<Ok<IReadOnlyList<CallingRuleDto>>, ValidationProblem>> Replace(
        IReadOnlyList<CallingRuleDto?>? request, CallingRuleStore rules, CallingRuleBook book, CampaignStore campaigns, IGrainFactory grains)
    {
        var (read, errors) = CallingRuleInput.Read(request);
        if (read is null) return TypedResults.ValidationProblem(errors, detail: $"{errors.First().Key}: {errors.First().Value[0]}");
        await rules.ReplaceAsync(read);
        book.Forget();
        await Parallel.ForEachAsync(await campaigns.ListRunningIdsAsync(), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (id, _) => await grains.GetGrain<ICampaignGrain>(id).Wake());
        return await List(rules);
    }
}
