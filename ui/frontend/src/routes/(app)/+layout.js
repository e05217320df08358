import { fetchCluster, fetchSystemInfo } from '@temporalio/ui/services/cluster-service';
import { fetchNamespaces } from '@temporalio/ui/services/namespaces-service';
import { fetchSettings } from '@temporalio/ui/services/settings-service';

// Settings come from the Ballast UI server (auth disabled); the rest is transcoded to gRPC.
export async function load({ fetch }) {
  const settings = await fetchSettings(fetch);
  fetchNamespaces(settings, fetch);
  const cluster = await fetchCluster(settings, fetch);
  const systemInfo = await fetchSystemInfo(settings, fetch);
  return { settings, cluster, systemInfo, user: {} };
}
