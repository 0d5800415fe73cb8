using CallCampaigns.Api.Auth;
using CallCampaigns.Api.Contracts;
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

    /// <summary>Replaces the whole list; nothing changes when any rule is invalid.</summary>
    public static async Task<Results<Ok<IReadOnlyList<CallingRuleDto>>, ValidationProblem>> Replace(
        IReadOnlyList<CallingRuleDto?>? request, CallingRuleStore rules, CallingRuleBook book)
    {
        var (read, errors) = CallingRuleInput.Read(request);
        if (read is null) return TypedResults.ValidationProblem(errors, detail: $"{errors.First().Key}: {errors.First().Value[0]}");
        await rules.ReplaceAsync(read);
        book.Forget();
        return await List(rules);
    }
}
