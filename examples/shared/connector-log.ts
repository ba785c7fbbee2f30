import { createLogger, type ConnectorConfig } from 'danube-connect-core';

/** Where an example connector reports what happens upstream. */
export interface ConnectorLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The default {@link ConnectorLog}: a logger like the runtime's, with a `component` field. */
export function connectorLog(core: ConnectorConfig, component: string): ConnectorLog {
  return createLogger({
    level: core.processing.log_level,
    secrets: core.secrets,
    name: core.connector_name,
  }).child({ component });
}
