using CallCampaigns.Api;
using CallCampaigns.Silo;

var builder = WebApplication.CreateBuilder(args);
builder.AddCallCampaignsApi();

var app = builder.Build();
app.UseCallCampaignsApi();
app.Run();
