import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** Folder holding the package's `.proto` files (`<package>/proto`, from `src/` or `dist/`). */
export const PROTO_DIR = fileURLToPath(new URL('../../proto/', import.meta.url));

/**
 * How every proto message is turned into a JS object, on both sides of the wire.
 * u64 fields arrive as decimal strings (full range, never JS numbers), enums as their
 * names, bytes as Buffers; proto3 `optional` fields are absent when unset.
 */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

/** The gRPC service constructors of the Danube protocol. */
export interface DanubeServices {
  ProducerService: grpc.ServiceClientConstructor;
  ConsumerService: grpc.ServiceClientConstructor;
  Discovery: grpc.ServiceClientConstructor;
  HealthCheck: grpc.ServiceClientConstructor;
  SchemaRegistry: grpc.ServiceClientConstructor;
}

let cached: { services: DanubeServices; definitions: protoLoader.PackageDefinition } | undefined;

/** The loaded package definition of both proto files (for descriptor checks and servers). */
export function danubePackageDefinition(): protoLoader.PackageDefinition {
  return load().definitions;
}

/** Loads (once) and returns the Danube gRPC services. */
export function danubeServices(): DanubeServices {
  return load().services;
}

function load(): { services: DanubeServices; definitions: protoLoader.PackageDefinition } {
  if (cached) return cached;
  const definitions = protoLoader.loadSync(
    ['DanubeApi.proto', 'SchemaRegistry.proto'],
    PROTO_LOADER_OPTIONS,
  );
  const root = grpc.loadPackageDefinition(definitions);
  const danube = root['danube'] as grpc.GrpcObject;
  const schema = root['danube_schema'] as grpc.GrpcObject;
  const services: DanubeServices = {
    ProducerService: danube['ProducerService'] as grpc.ServiceClientConstructor,
    ConsumerService: danube['ConsumerService'] as grpc.ServiceClientConstructor,
    Discovery: danube['Discovery'] as grpc.ServiceClientConstructor,
    HealthCheck: danube['HealthCheck'] as grpc.ServiceClientConstructor,
    SchemaRegistry: schema['SchemaRegistry'] as grpc.ServiceClientConstructor,
  };
  cached = { services, definitions };
  return cached;
}
