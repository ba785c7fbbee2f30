import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import type { HealthCheckRequestMsg, HealthCheckResponseMsg } from '../../../client/wire.js';
import { unary } from '../call-pipeline.js';
import type { BrokerCore } from '../core.js';

/**
 * The HealthCheck implementation: OK for producers the broker knows and for active
 * consumers (a consumer whose stream ended is inactive until it subscribes again);
 * CLOSE otherwise.
 */
export function healthService(core: BrokerCore): UntypedServiceImplementation {
  return {
    HealthCheck: unary<HealthCheckRequestMsg, HealthCheckResponseMsg>(
      core,
      'HealthCheck',
      (req) => {
        const known =
          req.client === 'Consumer'
            ? core.consumers.get(req.id)?.active === true
            : core.producers.has(req.id);
        return { status: known ? 'OK' : 'CLOSE' };
      },
    ),
  };
}
