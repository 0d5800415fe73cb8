using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace CallCampaigns.Api.Endpoints;

/// <summary>
/// Requests that cannot be bound (JSON that does not parse, a value of the wrong type, a query value that is not a
/// number, a body over the size limit) answer 400 (or 413) as problem details with a <c>detail</c> and an
/// <c>errors</c> map, for every route at once: handlers never see them.
/// </summary>
internal sealed class BadRequests(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || context.Response.HasStarted) return false;
        var (field, message) = Describe(bad);
        context.Response.StatusCode = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? bad.StatusCode : StatusCodes.Status400BadRequest;
        var problem = new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = context.Response.StatusCode,
            Title = context.Response.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Payload Too Large" : "Bad Request",
            Detail = message,
        };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>The field at fault (the JSON path without its <c>$.</c>, or "body"), and what is wrong, in the user's terms.</summary>
    private static (string Field, string Message) Describe(BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge) return ("body", "The request body is larger than this route accepts.");
        if (bad.InnerException is JsonException json)
        {
            var path = json.Path is { Length: > 2 } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : "body";
            var line = json.LineNumber is { } l ? $" (line {l + 1}, position {json.BytePositionInLine + 1})" : "";
            return (path, path == "body"
                ? $"The body is not valid JSON{line}."
                : $"'{path}' has a value of the wrong type or the JSON is malformed{line}.");
        }

        return ("request", bad.Message.Length > 300 ? bad.Message[..300] : bad.Message);
    }
}
