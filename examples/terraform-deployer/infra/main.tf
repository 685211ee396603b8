# Shape 2: Terraform deploys the service. The pipeline passes the image it built (by digest) as var.image,
# reads the URL to prove from output "url", and reads output "image" (what runs now) before each apply so it
# can apply it back when the new image is not proven.
terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
  # Partial configuration: bucket, key, region and use_lockfile come from the pipeline's terraform-backend-config.
  backend "s3" {}
}

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "image" {
  type        = string
  description = "The image to run, registry/repository@sha256:... (set by the pipeline)."
}

variable "cluster_arn" {
  type = string
}

variable "subnets" {
  type = list(string)
}

variable "security_groups" {
  type = list(string)
}

variable "target_group_arn" {
  type = string
}

variable "hostname" {
  type    = string
  default = "web.example.com"
}

resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = "arn:aws:iam::123456789012:role/web-execution"
  container_definitions = jsonencode([
    {
      name         = "web"
      image        = var.image
      essential    = true
      portMappings = [{ containerPort = 8080, protocol = "tcp" }]
      environment  = [{ name = "PORT", value = "8080" }]
    }
  ])
}

resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = var.cluster_arn
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets         = var.subnets
    security_groups = var.security_groups
  }

  load_balancer {
    target_group_arn = var.target_group_arn
    container_name   = "web"
    container_port   = 8080
  }

  # Apply returns once ECS reports the deployment steady (or fails it), so the smoke test follows a finished rollout.
  wait_for_steady_state = true
}

output "image" {
  description = "What runs now: the pipeline applies it back when a new image is not proven."
  value       = var.image
}

output "url" {
  description = "The service's URL: the smoke test probes it + health-path."
  value       = "https://${var.hostname}"
}
