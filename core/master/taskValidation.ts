import type { Resources } from '../common/resources.js';
import type { TaskInfo } from '../protocol/mesos/v1.js';

/**
 * validateTask checks one TaskInfo of a LAUNCH the way Mesos's `validation::task` does, returning the
 * message Mesos would put in the TASK_ERROR update, or undefined when the task may launch.
 * `remaining` is what is still unused of the accepted offers (with allocation info).
 */
export function validateTask(
  task: TaskInfo,
  ctx: { agentId: string; taskIdInUse: (id: string) => boolean; resources: Resources; remaining: Resources },
): string | undefined {
  const id = task.task_id?.value;
  if (!id) return 'Task ID must not be empty';
  if (/[\s/\\]/.test(id) || id === '.' || id === '..') return `'${id}' contains invalid characters`;
  if (!task.name && task.name !== '') return 'Task name must be set';
  if (ctx.taskIdInUse(id)) return `Task has duplicate ID: ${id}`;
  if (task.agent_id?.value !== ctx.agentId) {
    return `Task uses invalid agent: ${task.agent_id?.value ?? ''}`;
  }
  const hasCommand = task.command !== undefined;
  const hasExecutor = task.executor !== undefined;
  if (hasCommand === hasExecutor) return 'Task should have at least one (but not both) of CommandInfo or ExecutorInfo present';
  if (hasCommand && task.command?.shell !== false && !task.command?.value) {
    return "Task's CommandInfo must have 'value' set when 'shell' is true";
  }
  if (ctx.resources.isEmpty()) return 'Task uses no resources';
  if (!ctx.remaining.contains(ctx.resources)) {
    return `Task uses more resources ${ctx.resources.toString()} than available ${ctx.remaining.toString()}`;
  }
  return undefined;
}
