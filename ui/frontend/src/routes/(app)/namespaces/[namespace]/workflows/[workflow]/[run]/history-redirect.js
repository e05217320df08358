import { redirect } from '@sveltejs/kit';

import { routeForEventHistory } from '@temporalio/ui/utilities/route-for';

/** A page load that sends the browser to the run's event history. */
export function toHistory({ params }) {
  const { namespace, workflow, run } = params;
  redirect(302, routeForEventHistory({ namespace, workflow, run }));
}
