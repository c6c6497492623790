"""Compute: the domain's Kubernetes namespace, bounded and locked down, and its pipeline CronJobs."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from blueprints import DomainSpec, ProductSpec, naming

from . import tagging
from .settings import PlatformSettings

meta = k8s.meta.v1
core = k8s.core.v1


def _image_version(image: str) -> str:
    tail = image.rsplit("/", 1)[-1]
    return tail.split(":", 1)[1][:63] if ":" in tail else "latest"


class DomainCompute(pulumi.ComponentResource):
    def __init__(self, name: str, spec: DomainSpec, producer_role_arn: pulumi.Input[str], bucket_names: dict[str, pulumi.Output[str]],
                 settings: PlatformSettings, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("dmesh:compute:DomainCompute", name, None, opts)
        ns_name = naming.namespace(spec.name)
        labels = tagging.labels(spec)
        annotations = {"dmesh/owner": spec.owner}
        child = pulumi.ResourceOptions(parent=self)

        def metadata(object_name: str, extra: dict[str, str] | None = None, more_annotations: dict | None = None) -> meta.ObjectMetaArgs:
            return meta.ObjectMetaArgs(name=object_name, namespace=ns_name, labels={**labels, **(extra or {})},
                                       annotations={**annotations, **(more_annotations or {})})

        self.namespace = core.Namespace(f"{name}-namespace", metadata=meta.ObjectMetaArgs(name=ns_name, labels=labels, annotations=annotations), opts=child)
        in_ns = pulumi.ResourceOptions(parent=self, depends_on=[self.namespace])
        quota = spec.quota
        core.ResourceQuota(f"{name}-quota", metadata=metadata("dmesh-quota"), spec=core.ResourceQuotaSpecArgs(hard={
            "requests.cpu": quota.cpu, "requests.memory": quota.memory,
            "limits.cpu": quota.cpu, "limits.memory": quota.memory, "pods": str(quota.pods),
        }), opts=in_ns)
        limits = spec.limit_defaults
        core.LimitRange(f"{name}-limits", metadata=metadata("dmesh-limits"), spec=core.LimitRangeSpecArgs(limits=[
            core.LimitRangeItemArgs(type="Container", default={"cpu": limits.cpu, "memory": limits.memory},
                                    default_request={"cpu": limits.cpu_request, "memory": limits.memory_request}),
        ]), opts=in_ns)
        k8s.networking.v1.NetworkPolicy(f"{name}-default-deny", metadata=metadata("default-deny"), spec=k8s.networking.v1.NetworkPolicySpecArgs(
            pod_selector=meta.LabelSelectorArgs(), policy_types=["Ingress", "Egress"]), opts=in_ns)
        k8s.networking.v1.NetworkPolicy(f"{name}-pipeline-egress", metadata=metadata("pipeline-egress"), spec=k8s.networking.v1.NetworkPolicySpecArgs(
            pod_selector=meta.LabelSelectorArgs(match_labels={"app.kubernetes.io/component": "pipeline"}),
            policy_types=["Egress"],
            egress=[
                k8s.networking.v1.NetworkPolicyEgressRuleArgs(
                    to=[k8s.networking.v1.NetworkPolicyPeerArgs(namespace_selector=meta.LabelSelectorArgs(match_labels={"kubernetes.io/metadata.name": "kube-system"}))],
                    ports=[k8s.networking.v1.NetworkPolicyPortArgs(protocol="UDP", port=53), k8s.networking.v1.NetworkPolicyPortArgs(protocol="TCP", port=53)]),
                k8s.networking.v1.NetworkPolicyEgressRuleArgs(ports=[k8s.networking.v1.NetworkPolicyPortArgs(protocol="TCP", port=443)]),
            ]), opts=in_ns)
        sa_name = naming.service_account(spec.name)
        self.service_account = core.ServiceAccount(
            f"{name}-service-account", metadata=metadata(sa_name, more_annotations={"eks.amazonaws.com/role-arn": producer_role_arn}),
            automount_service_account_token=False, opts=in_ns)
        self.cron_jobs = [
            self._cron_job(f"{name}-{p.name}-pipeline", spec, p, sa_name, bucket_names.get(p.name), settings, metadata, in_ns)
            for p in spec.products if p.pipeline is not None
        ]
        self.namespace_name = self.namespace.metadata.name
        self.register_outputs({"namespace": self.namespace.metadata.name})

    @staticmethod
    def _cron_job(resource_name: str, spec: DomainSpec, product: ProductSpec, sa_name: str, bucket: pulumi.Output[str] | None,
                  settings: PlatformSettings, metadata, opts: pulumi.ResourceOptions) -> k8s.batch.v1.CronJob:
        pipeline = product.pipeline
        assert pipeline is not None
        app_labels = {
            **tagging.labels(spec, product),
            "app.kubernetes.io/name": product.name,
            "app.kubernetes.io/instance": f"{spec.name}-{product.name}",
            "app.kubernetes.io/component": "pipeline",
            "app.kubernetes.io/version": _image_version(pipeline.image),
        }
        env = [core.EnvVarArgs(name="DMESH_DOMAIN", value=spec.name), core.EnvVarArgs(name="DMESH_PRODUCT", value=product.name),
               core.EnvVarArgs(name="AWS_REGION", value=settings.region)]
        if bucket is not None:
            env.append(core.EnvVarArgs(name="DMESH_BUCKET", value=bucket))
        if product.kinesis is not None:
            env.append(core.EnvVarArgs(name="DMESH_STREAM", value=naming.stream_name(spec.name, product.name)))
        resources = core.ResourceRequirementsArgs(requests={"cpu": pipeline.cpu, "memory": pipeline.memory},
                                                  limits={"cpu": pipeline.cpu, "memory": pipeline.memory})
        container = core.ContainerArgs(
            name="pipeline", image=pipeline.image, env=env, resources=resources,
            security_context=core.SecurityContextArgs(
                run_as_non_root=True, allow_privilege_escalation=False, read_only_root_filesystem=True, privileged=False,
                capabilities=core.CapabilitiesArgs(drop=["ALL"])),
            volume_mounts=[core.VolumeMountArgs(name="tmp", mount_path="/tmp")],
        )
        pod = core.PodSpecArgs(
            service_account_name=sa_name, restart_policy="OnFailure", automount_service_account_token=True,
            security_context=core.PodSecurityContextArgs(run_as_non_root=True, run_as_user=10001, run_as_group=10001,
                                                         seccomp_profile=core.SeccompProfileArgs(type="RuntimeDefault")),
            containers=[container], volumes=[core.VolumeArgs(name="tmp", empty_dir=core.EmptyDirVolumeSourceArgs(size_limit="1Gi"))],
        )
        return k8s.batch.v1.CronJob(
            resource_name,
            metadata=metadata(product.name, app_labels),
            spec=k8s.batch.v1.CronJobSpecArgs(
                schedule=pipeline.schedule, concurrency_policy="Forbid", successful_jobs_history_limit=3, failed_jobs_history_limit=3,
                job_template=k8s.batch.v1.JobTemplateSpecArgs(
                    metadata=meta.ObjectMetaArgs(labels=app_labels),
                    spec=k8s.batch.v1.JobSpecArgs(backoff_limit=2, template=core.PodTemplateSpecArgs(
                        metadata=meta.ObjectMetaArgs(labels=app_labels), spec=pod)))),
            opts=opts,
        )
