/**
 * MarathonEvent is one event of Marathon's event bus (`/v2/events`), with the `eventType` and payload
 * fields Marathon 1.10 sends; marathon-lb, Bamboo and the console key on these names.
 */
export type MarathonEvent = { eventType: string; timestamp: string } & Record<string, unknown>;

/** EVENT_TYPES lists the event types Plateau's Marathon emits, for `event_type` filtering and docs. */
export const EVENT_TYPES = [
  'event_stream_attached',
  'event_stream_detached',
  'api_post_event',
  'status_update_event',
  'instance_changed_event',
  'instance_health_changed_event',
  'health_status_changed_event',
  'failed_health_check_event',
  'unhealthy_instance_kill_event',
  'app_terminated_event',
  'group_change_success',
  'group_change_failed',
  'deployment_info',
  'deployment_step_success',
  'deployment_step_failure',
  'deployment_success',
  'deployment_failed',
  'scheduler_registered_event',
  'scheduler_reregistered_event',
  'scheduler_disconnected_event',
] as const;
