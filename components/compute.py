"""Compute: the domain's Kubernetes namespace, bounded and locked down, and its pipeline CronJobs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from blueprints.spec import LimitDefaultsSpec, QuotaSpec

meta = k8s.meta.v1
core = k8s.core.v1
net = k8s.networking.v1


@dataclass(frozen=True)
class PipelineArgs:
    name: str  # the CronJob's name (the product's)
    image: str
    schedule: str
    cpu: str
    memory: str
    labels: Mapping[str, str]  # the product's labels, app.kubernetes.io/* included
    env: Sequence[tuple[str, pulumi.Input[str]]]  # in order, as the container gets them


@dataclass(frozen=True)
class DomainComputeArgs:
    namespace: str
    service_account: str
    producer_role_arn: pulumi.Input[str]  # assumed by the pipelines through IRSA
    quota: QuotaSpec
    limits: LimitDefaultsSpec
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    pipelines: Sequence[PipelineArgs] = ()


class DomainCompute(pulumi.ComponentResource):
    def __init__(self, name: str, args: DomainComputeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("dmesh:compute:DomainCompute", name, None, opts)
        labels, annotations = dict(args.labels), dict(args.annotations)

        def metadata(object_name: str, extra: Mapping[str, str] | None = None, more_annotations: Mapping | None = None) -> meta.ObjectMetaArgs:
            return meta.ObjectMetaArgs(name=object_name, namespace=args.namespace, labels={**labels, **(extra or {})},
                                       annotations={**annotations, **(more_annotations or {})})

        self.namespace = core.Namespace(f"{name}-namespace", metadata=meta.ObjectMetaArgs(name=args.namespace, labels=labels, annotations=annotations),
                                        opts=pulumi.ResourceOptions(parent=self))
        in_ns = pulumi.ResourceOptions(parent=self, depends_on=[self.namespace])
        quota = args.quota
        core.ResourceQuota(f"{name}-quota", metadata=metadata("dmesh-quota"), spec=core.ResourceQuotaSpecArgs(hard={
            "requests.cpu": quota.cpu, "requests.memory": quota.memory,
            "limits.cpu": quota.cpu, "limits.memory": quota.memory, "pods": str(quota.pods),
        }), opts=in_ns)
        limits = args.limits
        core.LimitRange(f"{name}-limits", metadata=metadata("dmesh-limits"), spec=core.LimitRangeSpecArgs(limits=[
            core.LimitRangeItemArgs(type="Container", default={"cpu": limits.cpu, "memory": limits.memory},
                                    default_request={"cpu": limits.cpu_request, "memory": limits.memory_request}),
        ]), opts=in_ns)
        net.NetworkPolicy(f"{name}-default-deny", metadata=metadata("default-deny"), spec=net.NetworkPolicySpecArgs(
            pod_selector=meta.LabelSelectorArgs(), policy_types=["Ingress", "Egress"]), opts=in_ns)
        net.NetworkPolicy(f"{name}-pipeline-egress", metadata=metadata("pipeline-egress"), spec=net.NetworkPolicySpecArgs(
            pod_selector=meta.LabelSelectorArgs(match_labels={"app.kubernetes.io/component": "pipeline"}),
            policy_types=["Egress"],
            egress=[
                net.NetworkPolicyEgressRuleArgs(
                    to=[net.NetworkPolicyPeerArgs(namespace_selector=meta.LabelSelectorArgs(match_labels={"kubernetes.io/metadata.name": "kube-system"}))],
                    ports=[net.NetworkPolicyPortArgs(protocol="UDP", port=53), net.NetworkPolicyPortArgs(protocol="TCP", port=53)]),
                net.NetworkPolicyEgressRuleArgs(ports=[net.NetworkPolicyPortArgs(protocol="TCP", port=443)]),
            ]), opts=in_ns)
        self.service_account = core.ServiceAccount(
            f"{name}-service-account", metadata=metadata(args.service_account, more_annotations={"eks.amazonaws.com/role-arn": args.producer_role_arn}),
            automount_service_account_token=False, opts=in_ns)
        self.cron_jobs = [self._cron_job(f"{name}-{p.name}-pipeline", args, p, metadata, in_ns) for p in args.pipelines]
        self.name = self.namespace.metadata.name
        self.register_outputs({"namespace": self.name})

    @staticmethod
    def _cron_job(resource_name: str, args: DomainComputeArgs, pipeline: PipelineArgs, metadata, opts: pulumi.ResourceOptions) -> k8s.batch.v1.CronJob:
        app_labels = dict(pipeline.labels)
        resources = core.ResourceRequirementsArgs(requests={"cpu": pipeline.cpu, "memory": pipeline.memory},
                                                  limits={"cpu": pipeline.cpu, "memory": pipeline.memory})
        container = core.ContainerArgs(
            name="pipeline", image=pipeline.image, env=[core.EnvVarArgs(name=key, value=value) for key, value in pipeline.env], resources=resources,
            security_context=core.SecurityContextArgs(
                run_as_non_root=True, allow_privilege_escalation=False, read_only_root_filesystem=True, privileged=False,
                capabilities=core.CapabilitiesArgs(drop=["ALL"])),
            volume_mounts=[core.VolumeMountArgs(name="tmp", mount_path="/tmp")],
        )
        pod = core.PodSpecArgs(
            service_account_name=args.service_account, restart_policy="OnFailure", automount_service_account_token=True,
            security_context=core.PodSecurityContextArgs(run_as_non_root=True, run_as_user=10001, run_as_group=10001,
                                                         seccomp_profile=core.SeccompProfileArgs(type="RuntimeDefault")),
            containers=[container], volumes=[core.VolumeArgs(name="tmp", empty_dir=core.EmptyDirVolumeSourceArgs(size_limit="1Gi"))],
        )
        return k8s.batch.v1.CronJob(
            resource_name,
            metadata=metadata(pipeline.name, app_labels),
            spec=k8s.batch.v1.CronJobSpecArgs(
                schedule=pipeline.schedule, concurrency_policy="Forbid", successful_jobs_history_limit=3, failed_jobs_history_limit=3,
                job_template=k8s.batch.v1.JobTemplateSpecArgs(
                    metadata=meta.ObjectMetaArgs(labels=app_labels),
                    spec=k8s.batch.v1.JobSpecArgs(backoff_limit=2, template=core.PodTemplateSpecArgs(
                        metadata=meta.ObjectMetaArgs(labels=app_labels), spec=pod)))),
            opts=opts,
        )
