global using CallCampaigns.Domain.Calls;
global using CallCampaigns.Domain.Campaigns;
global using CallCampaigns.Grains.Abstractions;
global using Microsoft.Extensions.Logging;
global using Microsoft.Extensions.Options;
global using Orleans.Concurrency;
