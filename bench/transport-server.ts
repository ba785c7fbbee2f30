/**
 * Child-process entry of the transport-ceiling scenario: a bare grpc-js server speaking the
 * Danube `ProducerService.SendMessage` method that answers every message at once, with no
 * broker logic (no lookup, validation or storage). Reports its port over IPC and exits when
 * the parent disconnects.
 */
import * as grpc from '@grpc/grpc-js';
import { danubeServices } from '../src/client/proto.js';
import type { MessageResponseMsg, StreamMessageMsg } from '../src/client/wire.js';

const server = new grpc.Server();
server.addService(danubeServices().ProducerService.service, {
  SendMessage: (
    call: grpc.ServerUnaryCall<StreamMessageMsg, MessageResponseMsg>,
    callback: grpc.sendUnaryData<MessageResponseMsg>,
  ) => callback(null, { request_id: call.request.request_id }),
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  process.send?.({ port });
});
process.once('disconnect', () => server.forceShutdown());
