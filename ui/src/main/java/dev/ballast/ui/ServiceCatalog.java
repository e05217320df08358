package dev.ballast.ui;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Temporal RPCs the UI can reach: every method of {@code WorkflowService} and {@code
 * OperatorService}, with its protobuf descriptor (which carries the {@code google.api.http} rules),
 * its gRPC descriptor and a prototype of its request message.
 */
final class ServiceCatalog {

  /** One RPC. {@code fullName} is the protobuf full name, e.g. {@code temporal.api.workflowservice.v1.WorkflowService.ListNamespaces}. */
  record Rpc(
      String fullName,
      Descriptors.MethodDescriptor proto,
      MethodDescriptor<Message, Message> grpc,
      Message requestPrototype) {

    /** The short method name, e.g. {@code ListNamespaces}. */
    String name() {
      return proto.getName();
    }
  }

  private static final ServiceCatalog TEMPORAL =
      new ServiceCatalog(
          WorkflowServiceGrpc.getServiceDescriptor(), OperatorServiceGrpc.getServiceDescriptor());

  private final Map<String, Rpc> byFullName = new LinkedHashMap<>();

  ServiceCatalog(ServiceDescriptor... services) {
    for (ServiceDescriptor service : services) {
      for (MethodDescriptor<?, ?> method : service.getMethods()) {
        add(method);
      }
    }
  }

  /** Workflow service and operator service of the Temporal API this build is compiled against. */
  static ServiceCatalog temporal() {
    return TEMPORAL;
  }

  @SuppressWarnings("unchecked")
  private void add(MethodDescriptor<?, ?> method) {
    if (!(method.getSchemaDescriptor() instanceof io.grpc.protobuf.ProtoMethodDescriptorSupplier supplier)
        || !(method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> marshaller)) {
      return;
    }
    Descriptors.MethodDescriptor proto = supplier.getMethodDescriptor();
    Message prototype = (Message) marshaller.getMessagePrototype();
    byFullName.put(
        proto.getFullName(),
        new Rpc(proto.getFullName(), proto, (MethodDescriptor<Message, Message>) method, prototype));
  }

  Collection<Rpc> rpcs() {
    return byFullName.values();
  }

  Optional<Rpc> find(String fullName) {
    return Optional.ofNullable(byFullName.get(fullName));
  }

  /** The RPC named {@code WorkflowService.X} or {@code OperatorService.X}; fails if unknown. */
  Rpc get(String serviceDotMethod) {
    for (Rpc rpc : byFullName.values()) {
      if (rpc.fullName().endsWith("." + serviceDotMethod)) {
        return rpc;
      }
    }
    throw new IllegalArgumentException("unknown RPC " + serviceDotMethod);
  }
}
