import { status, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { HealthCheckRequestMsg, HealthCheckResponseMsg } from '../../../client/wire.js';
import { unary } from '../call-pipeline.js';
import type { BrokerCore } from '../core.js';
import { statusError } from '../status.js';

/**
 * The HealthCheck implementation: OK for producers the broker knows and for active
 * consumers (a consumer whose stream ended is inactive until it subscribes again);
 * CLOSE otherwise; INVALID_ARGUMENT for a client type outside the enum.
 */
export function healthService(core: BrokerCore): UntypedServiceImplementation {
  return {
    HealthCheck: unary<HealthCheckRequestMsg, HealthCheckResponseMsg>(
      core,
      'HealthCheck',
      (req) => {
        if (req.client !== 'Producer' && req.client !== 'Consumer') {
          throw statusError(status.INVALID_ARGUMENT, 'Invalid client type');
        }
        const known =
          req.client === 'Consumer'
            ? core.consumers.get(req.id)?.active === true
            : core.producers.has(req.id);
        return { status: known ? 'OK' : 'CLOSE' };
      },
    ),
  };
}
